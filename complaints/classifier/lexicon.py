"""Small hand-written word lists that let the model generalize past the words it was trained on.

A corpus of a few thousand mentions holds "inadmissible" a dozen times and "lamentable" twice;
a marker token shared by every word of dissatisfaction ("_neg_") or of satisfaction ("_pos_")
lets a rare word borrow the weight of the common ones. The words are written in their
normalized form (lower case, accents removed, as text.normalize leaves them), in English and
French. They only add tokens: the words themselves are still features.

A handle that looks like a customer-care account (@AmazonHelp, @SNCF_Assistance, @Free_SAV)
adds "_support_": people write to those with a problem or a question far more than to a
brand's main account.
"""

import re

DISSATISFACTION = frozenset("""
bad worse worst awful terrible horrible appalling dreadful disgusting disgraceful shocking pathetic useless rubbish
crap shit shite joke ridiculous unacceptable annoying annoyed angry furious livid fuming frustrated frustrating
disappointed disappointing disappointment upset sick fed tired hate hated hates sucks suck sucked poor poorly
broken broke faulty damaged missing lost late delayed delay delays cancelled canceled cancel overcharged charged
refund refunds complaint complain complained complaining problem problems issue issues error errors fail failed
fails failing failure wrong never nobody nothing nowhere still again yet waiting waited wait ignored ignoring
rude unhelpful incompetent incompetence scam scammed fraud ripoff rip stolen stuck outage down dead slow
cold dirty filthy mess messed nightmare disaster hell ugh wtf fml smh seriously absolutely
nul nulle nuls naze pourri pourrie honteux honte scandale scandaleux inadmissible inacceptable lamentable
minable catastrophe catastrophique galere galerer marre ras bol decu decue decus decevant deception
enerve enervee colere furieux furieuse inutile incompetents arnaque arnaquer vol voleurs
retard retards retarde annule annulee annulation supprime supprimee panne pannes bug bugs bugue plante casse cassee
abime abimee perdu perdue perdus manquant manquante jamais personne rien toujours encore attente attendre attends
attendu rembourse remboursement reclamation plainte probleme problemes souci soucis erreur erreurs impossible
bloque bloquee coupe coupee coupure lent lente sale degueulasse merde putain bordel pire mauvais mauvaise
""".split())

SATISFACTION = frozenset("""
thanks thank thx ty love loved loving lovely great amazing awesome brilliant excellent fantastic perfect wonderful
superb best happy glad pleased impressed helpful kind friendly quick fast smooth easy beautiful delicious recommend
merci top genial geniale super bravo parfait parfaite excellente incroyable adore aime heureux heureuse
ravi ravie content contente rapide efficace sympa gentil gentille agreable delicieux recommande felicitations chapeau
""".split())

CARE_ACCOUNT = re.compile(r"help|care|support|service|assist|sav|desk|_cs\b|cs$|team|conseil|client", re.IGNORECASE)
HANDLE_NAME = re.compile(r"(?<![\w@])@(\w{1,30})")


def word_markers(words: list[str]) -> list[str]:
    """The marker tokens that a chunk's (normalized) words add after them."""
    return ["_neg_" if word in DISSATISFACTION else "_pos_" for word in words
            if word in DISSATISFACTION or word in SATISFACTION]


def addressees(raw_chunk: str) -> tuple[list[str], list[str]]:
    """(care-account markers, lower-cased @handles) of a raw chunk, in one regex pass."""
    if "@" not in raw_chunk:
        return [], []
    names = HANDLE_NAME.findall(raw_chunk)
    return ["_support_" for name in names if CARE_ACCOUNT.search(name)], ["@" + name.lower() for name in names]


# The most frequent short words of each language: enough to tell a French mention from an
# English one when the platform gave no language (the corpus guard compares per language).
_FRENCH = frozenset("le la les un une des du de et est pas je tu il elle nous vous ils on ce ca que qui pour "
                    "avec sur dans mon ma mes votre vos au aux ne plus tres mais ou bonjour merci".split())
_ENGLISH = frozenset("the a an and is are was not i you he she we they it this that for with on in my your "
                     "to of at be have has but or so just hi thanks please".split())


def language_guess(text: str) -> str:
    """"fr", "en", or "" when the text gives no clue."""
    words = re.findall(r"[a-z]+", text.lower())
    french, english = sum(w in _FRENCH for w in words), sum(w in _ENGLISH for w in words)
    return "fr" if french > english else "en" if english > french else ""
