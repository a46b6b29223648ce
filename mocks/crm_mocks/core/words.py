"""Plausible names for seeded records: varied enough that sorting and filtering do real work."""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Ada", "Alan", "Barbara", "Claude", "Dana", "Edsger", "Frances", "Grace", "Hedy", "Ivan",
    "Joan", "Ken", "Linus", "Margaret", "Niklaus", "Olga", "Radia", "Sophie", "Tim", "Yukihiro",
)  # fmt: skip
SYLLABLES = (
    "al", "ber", "cor", "dan", "el", "fen", "gar", "hol", "in", "jon", "kel", "lor", "mar",
    "nor", "ost", "pet", "quin", "ros", "sten", "tor", "ul", "van", "wes", "yar", "zel",
)  # fmt: skip


def person(rng: random.Random) -> tuple[str, str]:
    """(first name, last name); the last names are made of 2-4 syllables."""
    last = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return rng.choice(FIRST_NAMES), last
