"""Demonstration content: a photo album with generated images, a few documents and links."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

from core.demo import ensure_members
from core.models import Account, Entity
from plugins.documents import library
from plugins.documents.models import FOLDER

if TYPE_CHECKING:
    from core.runtime import SiteRuntime

COLOURS = [(46, 125, 50), (21, 101, 192), (198, 40, 40), (249, 168, 37), (106, 27, 154), (0, 131, 143)]
LINKS = [("Guide pratique des associations", "https://www.associations.gouv.fr/",
          "Le site officiel : créer, gérer, financer une association."),
         ("Le Compte Asso", "https://lecompteasso.associations.gouv.fr/", "Demandes de subvention en ligne.")]


@dataclass
class _File:
    """What :func:`library.store_upload` reads from an upload: a name and a file object."""

    filename: str
    file: io.BytesIO


def picture(rng, width=640, height=427) -> bytes:
    """A small landscape-like JPEG: sky, hills, a sun."""
    image = Image.new("RGB", (width, height), rng.choice(COLOURS))
    draw = ImageDraw.Draw(image)
    for i in range(4):
        y = height // 2 + i * 30 + rng.randint(-20, 20)
        draw.ellipse((rng.randint(-200, width // 2), y, rng.randint(width // 2, width + 200), height * 2),
                     fill=rng.choice(COLOURS))
    x = rng.randint(40, width - 80)
    draw.ellipse((x, 30, x + 60, 90), fill=(255, 235, 59))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def create(site: SiteRuntime, scale, rng) -> None:
    """A handful of items at any scale (documents are few on a regional portal's front page too)."""
    if Entity.select().where(Entity.site == site.id, Entity.kind == FOLDER).exists():
        return
    guids = ensure_members(site.id, 3, rng)
    owners = [Account.get_by_id(g) for g in guids]
    first = owners[0]
    album = library.create_folder(site, first.entity, "Fête du village", "Photos de la fête de l'été.",
                                  access="public", album=True)
    for n in range(4):
        stored = library.store_upload(site, first.guid, _File(f"fete-{n + 1}.jpg", io.BytesIO(picture(rng))))
        library.create_file(site, first.entity, first, stored, f"Fête du village {n + 1}", access="public",
                            folder=album)
    folder = library.create_folder(site, owners[1].entity, "Statuts et comptes rendus", access="members")
    texts = [("compte-rendu-ag.txt", "Compte rendu de l'assemblée générale\n\nPrésents : 24 adhérents.\n"),
             ("adherents.csv", "nom,commune\nMartin,Amiens\nDubois,Abbeville\n")]
    for name, text in texts:
        stored = library.store_upload(site, owners[1].guid, _File(name, io.BytesIO(text.encode())))
        library.create_file(site, owners[1].entity, owners[1], stored, name.rsplit(".", 1)[0].replace("-", " "),
                            access="members", folder=folder)
    for title, url, note in LINKS:
        library.create_link(site, owners[2].entity, title, url, note, tags="associations", access="public")
