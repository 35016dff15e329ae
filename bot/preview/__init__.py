"""`stretchbot preview`: the real bot in a terminal chat, against the in-process Bot API stand-in.

`main.run_preview` is the entry point; `session` runs the application, `render` draws chat bubbles, `feed` prints
what the bot does, `inputs` parses what the person types, `commands` holds the `!` commands that control time,
`terminal` is the interactive chat and `script` plays a file of inputs.
"""
