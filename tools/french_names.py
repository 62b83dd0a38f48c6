"""Write src/profond/data/files/french_names.txt from faker's fr_FR person provider, once.

profond ships these names so that the char-rnn corpus needs no 25 MB dependency. Run it again
only to refresh the list (`pip install faker && python tools/french_names.py`): it records the
faker version it read, and the file's header says where the names come from.
"""

from pathlib import Path

from faker import VERSION
from faker.providers.person.fr_FR import Provider

OUT = Path(__file__).resolve().parents[1] / "src/profond/data/files/french_names.txt"
HEADER = f"""\
# French first names (male, then female) and last names, one per line, each once, in order.
# Source: faker {VERSION}, faker/providers/person/fr_FR/__init__.py (Provider.first_names_male,
# Provider.first_names_female, Provider.last_names), https://github.com/joke2k/faker
# faker is distributed under the MIT License, Copyright (c) 2012 Daniele Faraglia.
# Written by tools/french_names.py; lines starting with # are comments.
"""


def main() -> None:
    lists = (Provider.first_names_male, Provider.first_names_female, Provider.last_names)
    names = list(dict.fromkeys(name for names in lists for name in names))
    OUT.write_text(HEADER + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
