"""Manage the desk's users and API tokens: ``python -m desk.cli COMMAND …``.

Commands:
    add-pro USERNAME --name "Full Name" [--password-stdin]
    set-password USERNAME [--password-stdin]
    token USERNAME --label LABEL        (prints the new token once)
    revoke-tokens USERNAME
    list-pros

Uses DATABASE_URL like the rest of the project (``settings.assistant``).
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Callable, List, Optional, TextIO

from desk.auth import MIN_PASSWORD_LENGTH, digest, hash_password, new_token
from settings.assistant import get_settings
from store.db import get_database
from store.pros import ProExists, ProNotFound, ProRepository

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


class CliError(Exception):
    """A problem to report in one line, exiting with status 1."""


def _username(value: str) -> str:
    value = value.strip().lower()
    if not USERNAME.match(value):
        raise argparse.ArgumentTypeError("usernames are 2-64 lowercase letters, digits, dots, dashes or underscores")
    return value


def read_password(from_stdin: bool, stdin: TextIO = sys.stdin, ask: Callable[[str], str] = getpass.getpass) -> str:
    """A new password from the first line of stdin, or typed twice without echo."""
    if from_stdin:
        password = stdin.readline().rstrip("\r\n")
    else:
        password = ask("New password: ")
        if ask("Repeat the password: ") != password:
            raise CliError("the passwords differ")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CliError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return password


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m desk.cli", description="Manage agent-desk users and API tokens.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-pro", help="add a tax pro who can sign in")
    add.add_argument("username", type=_username)
    add.add_argument("--name", required=True, help="full name shown in the desk")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    setpw = commands.add_parser("set-password", help="replace a pro's password")
    setpw.add_argument("username", type=_username)
    setpw.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    token = commands.add_parser("token", help="create an API token (printed once)")
    token.add_argument("username", type=_username)
    token.add_argument("--label", required=True, help="what the token is for, e.g. crm-sync")
    revoke = commands.add_parser("revoke-tokens", help="revoke every API token of a pro")
    revoke.add_argument("username", type=_username)
    commands.add_parser("list-pros", help="list the desk's users")
    return parser


def run(
    argv: Optional[List[str]] = None,
    repo: Optional[ProRepository] = None,
    out: TextIO = sys.stdout,
    stdin: TextIO = sys.stdin,
) -> int:
    """Run one command; returns the exit status (tests pass ``repo``, ``out`` and ``stdin``)."""
    args = _parser().parse_args(argv)
    if repo is None:
        repo = ProRepository(get_database(get_settings().database_url))
    try:
        if args.command == "add-pro":
            password = read_password(args.password_stdin, stdin)
            repo.add(args.username, args.name.strip() or args.username, hash_password(password))
            print(f"Added {args.username}.", file=out)
        elif args.command == "set-password":
            if repo.get(args.username) is None:
                raise CliError(f"no pro named {args.username}")
            repo.set_password(args.username, hash_password(read_password(args.password_stdin, stdin)))
            print(f"Password of {args.username} changed.", file=out)
        elif args.command == "token":
            token = new_token()
            repo.add_token(args.username, digest(token), args.label.strip() or "api")
            print(token, file=out)
            print("Keep this token safe: it is shown only once.", file=sys.stderr)
        elif args.command == "revoke-tokens":
            count = repo.revoke_tokens(args.username)
            print(f"Revoked {count} token{'s' if count != 1 else ''} of {args.username}.", file=out)
        elif args.command == "list-pros":
            for pro in repo.list():
                password = "password set" if pro.password_hash else "tokens only"
                print(f"{pro.username}\t{pro.display_name}\t{password}", file=out)
    except ProExists:
        print(f"error: a pro named {args.username} already exists", file=sys.stderr)
        return 1
    except ProNotFound:
        print(f"error: no pro named {args.username}", file=sys.stderr)
        return 1
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(run())
