"""`python -m bot` is the `stretchbot` command.

The command is imported only when this module runs as the program: the render pool's worker processes import the
program's main module again (multiprocessing does), and they need none of the bot.
"""

import sys

if __name__ == "__main__":
    from bot.cli import main

    sys.exit(main())
