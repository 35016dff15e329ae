"""The coach's side: who is a coach (`coaches`), invites and consent (`invites`), the client's control of their
links and the access log (`links`), the roster and a client's summary (`roster`), prescriptions (`prescriptions`)."""
