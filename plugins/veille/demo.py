"""Demo links: a dozen pages shared and qualified over the last four weeks (notes, ratings, themes,
tags, "useful" votes), a few in a group, some subscriptions and the past weeks' syntheses."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core.db import database, now
from core.models import Account, Activity, Entity, Relationship
from core.search import fold
from plugins.veille import links, synthesis, themes
from plugins.veille.models import KIND, Link, Vote

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

LINKS = [
    ("https://www.associations.gouv.fr/le-compte-asso.html", "Le Compte Asso : demander une subvention en ligne",
     "Le service en ligne pour déposer une demande de subvention et suivre son dossier.",
     "Indispensable pour les dossiers **FDVA** : pensez à mettre à jour vos statuts avant.", 5,
     ["solidarite"], ["subventions", "démarches"]),
    ("https://www.culture.gouv.fr/Aides-demarches", "Aides et démarches du ministère de la Culture",
     "Le guide des aides aux projets culturels, aux festivals et au patrimoine.",
     "Le calendrier des appels à projets est en bas de page.", 4, ["culture"], ["subventions"]),
    ("https://www.francebenevolat.org/", "France Bénévolat : trouver des bénévoles",
     "Mise en relation entre associations et bénévoles, guides pour accueillir les nouveaux venus.",
     "Leur guide de l'accueil des bénévoles est très bien fait.", 4, ["solidarite"], ["bénévolat"]),
    ("https://www.patrimoine-environnement.fr/", "Patrimoine-Environnement",
     "Fédération d'associations de sauvegarde du patrimoine et des paysages.", "", 3, ["patrimoine"], []),
    ("https://www.ademe.fr/", "ADEME : agence de la transition écologique",
     "Études, guides et aides pour les projets de transition écologique.",
     "Les fiches pratiques « événement écoresponsable » servent pour nos fêtes.", 4, ["environnement"],
     ["écologie", "événements"]),
    ("https://www.jardins-partages.org/", "Le réseau des jardins partagés",
     "Ressources pour créer et animer un jardin partagé.", "Modèle de charte de jardin à reprendre.", 5,
     ["jardins"], ["jardin"]),
    ("https://www.sports.gouv.fr/pass-sport", "Pass'Sport : ce que les clubs doivent savoir",
     "L'aide à l'inscription sportive des jeunes, et comment le club la reçoit.", "", None, ["sport"],
     ["jeunesse"]),
    ("https://www.service-public.fr/associations", "Service-Public.fr : associations",
     "Créer, déclarer et gérer une association : les fiches officielles.",
     "La fiche sur l'assemblée générale répond à presque toutes les questions.", 5, [], ["démarches"]),
    ("https://www.helloasso.com/", "HelloAsso : adhésions et billetterie en ligne",
     "Collecte d'adhésions, de dons et billetterie pour les associations.", "", 3, [], ["outils", "adhésions"]),
    ("https://www.education.gouv.fr/les-associations-complementaires-de-l-ecole", "Associations et école",
     "L'agrément des associations éducatives complémentaires de l'enseignement public.",
     "Utile pour intervenir en classe.", 4, ["education"], ["école"]),
]
GROUP_LINKS = [
    ("https://www.ffrandonnee.fr/", "Fédération française de randonnée",
     "Les sentiers balisés, les clubs et les assurances.", "Pour préparer la sortie de printemps.", 4,
     ["randonnee"], ["sorties"]),
    ("https://www.geoportail.gouv.fr/", "Géoportail : cartes IGN en ligne",
     "Les cartes au 1:25 000 pour tracer un itinéraire.", "On peut imprimer l'itinéraire en PDF.", 5,
     ["randonnee"], ["cartes"]),
]


def generate(site: SiteRuntime, scale: str, rng) -> None:
    """Create the demo links once (a second run changes nothing)."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == KIND).exists():
        return
    members = list(Account.select().where(Account.site == site.id, Account.email.startswith("member"))
                   .order_by(Account.entity).limit(8))
    if len(members) < 3:
        return
    made = []
    for i, (address, title, description, note, rating, keys, tags) in enumerate(LINKS):
        author = members[i % len(members)]
        values = {"url": address, "title": title, "description": description, "note": note, "rating": rating,
                  "themes": themes_named(site, keys), "tag_list": tags, "access": "public"}
        made.append(links.add(site, author, author.entity, values, None)[0])
    # a second member shares the first page again: merged, both notes kept
    second = members[1]
    links.add(site, second, second.entity, {"url": LINKS[0][0] + "?utm_source=lettre", "title": "", "description": "",
                                            "note": "Le tutoriel vidéo du site aide beaucoup.", "rating": 4,
                                            "themes": [], "tag_list": ["tutoriel"], "access": "public"}, None)
    made += _group_links(site, members)
    _date_and_vote(site, made, members, rng)
    _subscribe(site, members)


def themes_named(site: SiteRuntime, words: list[str]) -> list[str]:
    """The keys of the site's themes whose label holds each word (accents and case aside): the demo
    files its links under whatever taxonomy the site has."""
    found = []
    for word in words:
        key = next((k for k, label in themes.choices(site) if fold(word) in fold(label)), None)
        if key is not None and key not in found:
            found.append(key)
    return found


def _group_links(site: SiteRuntime, members) -> list[Entity]:
    """The group links: in the first group that has members, shared by one of them."""
    group = (Entity.select().join(Relationship, on=(Relationship.object == Entity.guid))
             .where(Entity.site == site.id, Entity.kind == "groups.group", Relationship.verb == "member_of",
                    Entity.deleted_at.is_null(), Entity.access == "public").order_by(Entity.guid).first())
    if group is None:
        return []
    member = Relationship.select().where(Relationship.object == group.guid, Relationship.verb == "member_of").first()
    author = Account.get_or_none(Account.entity == member.subject_id)
    if author is None:
        return []
    made = []
    for address, title, description, note, rating, keys, tags in GROUP_LINKS:
        values = {"url": address, "title": title, "description": description, "note": note, "rating": rating,
                  "themes": themes_named(site, keys), "tag_list": tags, "access": "public"}
        made.append(links.add(site, author, author.entity, values, group)[0])
    return made


def _date_and_vote(site: SiteRuntime, made: list[Entity], members, rng) -> None:
    """Spread the links over the last four weeks (older than two days, so the animation plugin keeps
    their dates), give them "useful" votes and record the past weeks' syntheses."""
    stamp = now()
    with database.atomic():
        for i, entity in enumerate(made):
            when = stamp - dt.timedelta(days=3 + i * 2.3, hours=rng.randrange(0, 10))
            Entity.update(created=when, updated=when).where(Entity.guid == entity.guid).execute()
            Activity.update(created=when).where(Activity.entity == entity.guid).execute()
            voters = rng.sample(members, rng.randrange(0, min(5, len(members))))
            for voter in voters:
                Vote.insert(link=entity.guid, voter=voter.guid, created=when).on_conflict_ignore().execute()
            Link.update(useful=Vote.select().where(Vote.link == entity.guid).count()).where(
                Link.entity == entity.guid).execute()
    this_week = links.week_of(stamp)
    for weeks in range(1, 5):
        synthesis.record_syntheses(site, this_week - dt.timedelta(days=7 * weeks))


def _subscribe(site: SiteRuntime, members) -> None:
    synthesis.subscribe(site, members[0].guid, "site")
    first_theme = next(iter(themes.choices(site)), None)
    if first_theme:
        synthesis.subscribe(site, members[2].guid, "theme", first_theme[0])
    places = (Link.select(Link.place).join(Entity, on=(Link.entity == Entity.guid))
              .where(Entity.site == site.id, Link.place != 0).distinct().tuples())
    for (place,) in places:
        for rel in Relationship.select().where(Relationship.object == place, Relationship.verb == "member_of").limit(2):
            synthesis.subscribe(site, rel.subject_id, "in", str(place))
