#!/usr/bin/env python3
"""Print the speech-verb lemmas of factdb/extraction/lexicon.py from VerbNet 3.4.

VerbNet (Kipper Schuler et al.; University of Colorado, github.com/cu-clear/verbnet, folder
verbnet3.4) groups verbs by meaning and maps each member to WordNet senses. A verb counts as a
speech verb when it is a member of the class say-37.7, or a member of another class of verbs of
communication, declaring, conjecturing or urging (37.*, 29.4, 29.5, 58.1) that VerbNet maps to a
WordNet sense in the lexicographer file verb.communication (sense keys "lemma%2:32:...").

It prints the one-word lemmas, the phrasal ones (verb and particle), the members of say-37.7
(which frame a sentence even without a clause after them: "The EU announced 300 new guards"), and
the speech verbs in no other VerbNet class or in its class of indicating (which frame a sentence
with only an object after them: "The senator questioned the figures", "The poll shows a tie").

    python benchmarks/speech_verbs_from_verbnet.py PATH/TO/verbnet/verbnet3.4
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# Levin's verbs of communication (VerbNet classes 37.*), of declaring and conjecturing (29.4,
# 29.5) and of urging (58.1).
CLASS_PREFIXES = ("37.", "29.4", "29.5", "58.1")
# The core class of reporting verbs: every member counts, mapped to WordNet or not ("add",
# "insist", "allege" have no mapping there).
CORE_CLASS = "say-37.7"
COMMUNICATION = re.compile(r"%2:32:")


def speech_verbs(folder: Path, *, core_only: bool = False) -> list[str]:
    found: set[str] = set()
    for path in sorted(folder.glob("*.xml")):
        number = path.stem.split("-", 1)[-1]
        if not number.startswith(CLASS_PREFIXES):
            continue
        root = ET.parse(path).getroot()
        whole_class = path.stem == CORE_CLASS
        if core_only and not whole_class:
            continue
        for member in root.iter("MEMBER"):
            if whole_class or COMMUNICATION.search(member.get("wn", "")):
                found.add(member.get("name", "").replace("_", " "))
    return sorted(found)


# VerbNet's verbs of indicating ("The poll shows …", "The data prove …"): their subject is a
# source of what the object says.
INDICATING_CLASS = "indicate-78"


def object_framing(folder: Path) -> list[str]:
    """The speech verbs VerbNet lists in no class but those of communication, declaring,
    conjecturing and urging ("warn", "question", "deny"; not "hold", "get" or "press", which also
    belong to classes of holding, getting or pushing), and those it lists among the verbs of
    indicating ("show", "explain", "prove")."""
    elsewhere: set[str] = set()
    indicating: set[str] = set()
    for path in sorted(folder.glob("*.xml")):
        members = {m.get("name", "") for m in ET.parse(path).getroot().iter("MEMBER")}
        if path.stem == INDICATING_CLASS:
            indicating |= members
        if not path.stem.split("-", 1)[-1].startswith(CLASS_PREFIXES):
            elsewhere |= members
    return [
        verb
        for verb in speech_verbs(folder)
        if verb.replace(" ", "_") not in elsewhere or verb.replace(" ", "_") in indicating
    ]


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    everything = speech_verbs(folder)
    print("one word:", " ".join(verb for verb in everything if " " not in verb))
    print("phrasal:", " | ".join(verb for verb in everything if " " in verb))
    print("say-37.7:", " ".join(v for v in speech_verbs(folder, core_only=True) if " " not in v))
    framing = object_framing(folder)
    print("with an object:", " ".join(verb for verb in framing if " " not in verb))
