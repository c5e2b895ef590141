"""``dctwin sweep``: (being written)."""


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", help="(being written)")
    p.set_defaults(func=main)


def main(args) -> int:
    return 0
