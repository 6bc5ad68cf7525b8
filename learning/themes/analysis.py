"""Suggest themes in what people said: TF-IDF over the masked text, factorised by NMF, each
contribution placed in the theme it weighs most in.

Deterministic: the contributions are taken in order of id, NMF starts from NNDSVD (no random
start) and its random_state is fixed, so the same contributions give the same themes. Runs on
the server; nothing leaves it and nothing is downloaded.
"""

import math
from dataclasses import dataclass

from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .masking import mask_personal_data

RANDOM_STATE = 0
MAX_THEMES = 8
TERMS_PER_THEME = 4
# The words of the masks themselves say nothing about a theme.
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | {"nhs", "number", "phone", "email", "postcode"})
METHOD = (
    "TF-IDF of words and word pairs, non-negative matrix factorisation (NMF, NNDSVD start, "
    "random_state 0); each contribution placed in the theme it weighs most in"
)


@dataclass(frozen=True)
class Suggestion:
    terms: list[str]
    members: list[int]

    @property
    def name(self) -> str:
        return ", ".join(self.terms[:3])


def theme_count(documents: int) -> int:
    """How many themes to look for: about the square root of the contributions, 2 to 8."""
    return max(2, min(MAX_THEMES, round(math.sqrt(documents)), documents))


def suggest_themes(texts: dict[int, str]) -> list[Suggestion]:
    """Group contributions (id → text) into suggested themes, largest first."""
    ids = sorted(texts)
    documents = [mask_personal_data(texts[pk]) for pk in ids]
    if len(ids) < 2:
        return []
    vectorizer = TfidfVectorizer(
        stop_words=STOP_WORDS, ngram_range=(1, 2), min_df=1, sublinear_tf=True
    )
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # nothing left but stop words
        return []
    components = min(theme_count(len(ids)), matrix.shape[1])
    model = NMF(n_components=components, init="nndsvd", random_state=RANDOM_STATE, max_iter=400)
    weights = model.fit_transform(matrix)
    terms = vectorizer.get_feature_names_out()
    members: dict[int, list[int]] = {index: [] for index in range(components)}
    for row, pk in zip(weights, ids, strict=True):
        if row.max() > 0:
            members[int(row.argmax())].append(pk)
    suggestions = []
    for index, pks in members.items():
        if not pks:
            continue
        order = model.components_[index].argsort()[::-1][:TERMS_PER_THEME]
        suggestions.append(Suggestion(terms=[str(terms[i]) for i in order], members=pks))
    return sorted(suggestions, key=lambda s: (-len(s.members), s.members[0]))
