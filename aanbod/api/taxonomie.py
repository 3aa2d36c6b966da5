"""The three taxonomies the HSDS API publishes: Thema, Soort (kind of aanbod) and Levensfase (age band).

Thema rows carry their own UUID. Soort and Levensfase are code lists in the source, so their ids are
derived with uuid5 from a fixed namespace: the same code always gets the same id, on every installation.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from aanbod.models import Aanbod, Levensfase, Thema

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:huisvanhetkind:hsds")

THEMA = "thema"
SOORT = "soort"
LEVENSFASE = "levensfase"


def stable_id(*parts: object) -> uuid.UUID:
    """A UUID that is the same for the same parts, for records that have no id of their own."""
    return uuid.uuid5(NAMESPACE, ":".join(str(part) for part in parts))


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: object  # lazy translation
    description: object

    @property
    def id(self) -> uuid.UUID:
        return stable_id("taxonomy", self.key)


@dataclass(frozen=True)
class Term:
    id: uuid.UUID
    taxonomy: Taxonomy
    code: str
    name: str
    description: str


TAXONOMIES = {
    THEMA: Taxonomy(THEMA, _("Thema"), _("Topics of upbringing the aanbod is about.")),
    SOORT: Taxonomy(SOORT, _("Kind of aanbod"), _("Information evening, workshop, toy library and so on.")),
    LEVENSFASE: Taxonomy(
        LEVENSFASE, _("Life stage"), _("The life stage of the child the aanbod is for, in years of age.")
    ),
}


def _soort_terms() -> list[Term]:
    taxonomy = TAXONOMIES[SOORT]
    return [
        Term(stable_id(SOORT, value), taxonomy, value, str(label), str(label))
        for value, label in Aanbod.Soort.choices
    ]


def _levensfase_terms() -> list[Term]:
    taxonomy = TAXONOMIES[LEVENSFASE]
    return [
        Term(stable_id(LEVENSFASE, value), taxonomy, value, str(label), str(label))
        for value, label in Levensfase.choices
    ]


def _thema_term(thema: Thema) -> Term:
    return Term(thema.uuid, TAXONOMIES[THEMA], thema.slug, thema.naam, thema.beschrijving or thema.naam)


def all_terms() -> list[Term]:
    """Every published term: the active themas, then the kinds, then the life stages."""
    themas = [_thema_term(thema) for thema in Thema.objects.filter(actief=True)]
    return themas + _soort_terms() + _levensfase_terms()


def term_by_id(term_id: uuid.UUID) -> Term | None:
    for term in _soort_terms() + _levensfase_terms():
        if term.id == term_id:
            return term
    thema = Thema.objects.filter(uuid=term_id, actief=True).first()
    return _thema_term(thema) if thema else None


def _band_query(value: str) -> Q:
    fase = Levensfase(value)
    if fase == Levensfase.AANSTAAND:
        return Q(aanstaande_ouders=True)
    low, high = fase.leeftijden
    # No ages given means the aanbod is for every age, as in the wegwijzer.
    return Q(leeftijd_van__isnull=True) | Q(leeftijd_van__lt=high, leeftijd_tot__gte=low)


def filter_by_term(queryset: QuerySet, term: Term, *, prefix: str = "") -> QuerySet:
    """Restrict an Aanbod queryset (or one reaching Aanbod through `prefix`) to a term."""
    if term.taxonomy.key == THEMA:
        return queryset.filter(**{f"{prefix}themas__uuid": term.id})
    if term.taxonomy.key == SOORT:
        return queryset.filter(**{f"{prefix}soort": term.code})
    query = _band_query(term.code)
    if prefix:
        query = _prefixed(query, prefix)
    return queryset.filter(query)


def _prefixed(query: Q, prefix: str) -> Q:
    children = [
        _prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1])
        for child in query.children
    ]
    return Q(*children, _connector=query.connector, _negated=query.negated)


def filter_by_taxonomy(queryset: QuerySet, taxonomy: Taxonomy, *, prefix: str = "") -> QuerySet:
    """Aanbod that carries any term of the taxonomy (every aanbod has a kind and a life stage)."""
    if taxonomy.key == THEMA:
        return queryset.filter(**{f"{prefix}themas__actief": True}).distinct()
    return queryset


def terms_for(aanbod: Aanbod) -> list[Term]:
    """The terms of one aanbod; expects `themas` prefetched."""
    terms = [_thema_term(thema) for thema in aanbod.themas.all() if thema.actief]
    terms += [term for term in _soort_terms() if term.code == aanbod.soort]
    for term in _levensfase_terms():
        fase = Levensfase(term.code)
        if fase == Levensfase.AANSTAAND:
            if aanbod.aanstaande_ouders:
                terms.append(term)
            continue
        low, high = fase.leeftijden
        if aanbod.leeftijd_van is None or (aanbod.leeftijd_van < high and aanbod.leeftijd_tot >= low):
            terms.append(term)
    return terms
