"""Administration > Import members: a CSV file, its column mapping, a dry run, the report."""

from core import member_import, urls, web
from core.i18n import gettext as _


def page(request):
    """Upload a member file, map its columns, try it (dry run) then import it."""
    web.require_admin(request)
    site = web.site_of(request)
    targets = member_import.targets(site)
    mapping = {t: "" for t in targets}
    report, error, header = None, None, []
    if request.method == "POST":
        data = web.form(request)
        upload = data.get("file")
        mapping.update({t: (data.get(f"map_{t}") or "").strip() for t in targets})
        if upload is None or not getattr(upload, "filename", ""):
            error = _("Choose the CSV file to import.")
        else:
            try:
                header, rows = member_import.read_csv(upload.file.read(20 * 1024 * 1024))
                if not any(mapping.values()):
                    mapping.update(member_import.default_mapping(site, header))
                missing = [c for c in mapping.values() if c and c not in header]
                if missing:
                    error = _("The file has no column %(names)s. Its columns are: %(columns)s.") % {
                        "names": ", ".join(missing), "columns": ", ".join(header)}
                else:
                    report = member_import.run(site, rows, {t: c for t, c in mapping.items() if c},
                                               dry_run=bool(data.get("dry_run")), invite=not data.get("no_invite"),
                                               base_url=urls.base_url(site, request))
            except UnicodeDecodeError:
                error = _("The file is not UTF-8 text: save it as \"CSV UTF-8\" from your spreadsheet.")
            except member_import.ImportError_ as exc:
                error = str(exc)
    return web.render(request, "core/admin/import_members.html", {
        "targets": targets, "labels": member_import.target_labels(site), "mapping": mapping, "report": report, "error": error, "header": header,
    }, status_code=400 if error else 200)
