from django.contrib import admin
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from complaints.classifier.lifecycle import model_activate, reason_text
from complaints.models import ClassifierModel, CrisisAlert, CrisisSettings, Note


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["mention", "author", "created_at"]
    search_fields = ["text"]
    raw_id_fields = ["mention", "author"]


@admin.register(ClassifierModel)
class ClassifierModelAdmin(admin.ModelAdmin):
    """Versions with the figures they were judged on. Activating an older version is the
    way back if a new one behaves badly in the queue."""

    list_display = ["version", "is_active", "macro_f1_display", "examples", "corrections", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["version", "is_active", "created_at", "examples", "corrections", "note", "judgement", "scores"]
    exclude = ["metrics"]
    actions = ["activate"]

    def has_add_permission(self, request):
        return False  # versions come from training (manage.py train_classifier, or the nightly task)

    @admin.display(description=_("macro-F1"), ordering="metrics__macro_f1")
    def macro_f1_display(self, model):
        return f"{model.macro_f1:.3f}"

    @admin.display(description=_("scores"))
    def scores(self, model):
        m = model.metrics
        rows = format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", (
            (label, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}", r["support"])
            for label, r in m.get("per_class", {}).items()))
        confusion = m.get("confusion", {"labels": [], "matrix": []})
        head = format_html_join("", "<th>{}</th>", ((label,) for label in confusion["labels"]))
        matrix = format_html_join("", "<tr><th>{}</th>{}</tr>", (
            (label, format_html_join("", "<td>{}</td>", ((n,) for n in row)))
            for label, row in zip(confusion["labels"], confusion["matrix"])))
        languages = ", ".join(f"{lang} {f1:.3f}" for lang, f1 in m.get("by_language", {}).items())
        return format_html(
            "<p>{} {} ({} {}) {}</p>"
            "<table><tr><th></th><th>{}</th><th>{}</th><th>F1</th><th>{}</th></tr>{}</table>"
            "<p>{}</p><table><tr><th>{}</th>{}</tr>{}</table>",
            _("Cross-validated macro-F1"), f"{model.macro_f1:.3f}", m.get("folds", "?"), _("folds"), languages,
            _("precision"), _("recall"), _("examples"), rows,
            _("Confusion matrix (rows: true label, columns: predicted)"), "", head, matrix)

    @admin.display(description=_("judged against the active version"))
    def judgement(self, model):
        """The comparison that decided whether this version went live: the same held-out
        corrections and the same corpus, for both versions."""
        m = model.metrics
        decision = m.get("decision")
        if not decision:
            return _("Trained before versions were compared on held-out corrections.")
        verdict = (_("Activated by hand, against the rule") if decision.get("forced") else
                   _("Activated") if decision["activated"] else _("Kept inactive"))
        heldout, rows = m.get("heldout") or {}, []
        if heldout:
            rows.append((_("held-out corrections (%(n)d, from %(start)s to %(end)s)") % {
                "n": heldout["mentions"], "start": heldout["from"][:16].replace("T", " "),
                "end": heldout["until"][:16].replace("T", " ")},
                f"{heldout['candidate_macro_f1']:.3f}",
                "–" if heldout.get("active_macro_f1") is None else f"{heldout['active_macro_f1']:.3f}"))
        before = decision.get("against_corpus") or {}
        corpus = m.get("corpus") or {}
        if corpus:
            rows.append((_("corpus, cross-validated"), f"{corpus['macro_f1']:.3f}",
                         f"{before['all']:.3f}" if "all" in before else ""))
            rows += [(f"· {lang}", f"{f1:.3f}", f"{before[lang]:.3f}" if lang in before else "")
                     for lang, f1 in corpus.get("by_language", {}).items()]
        calibration = m.get("calibration") or {}
        confidence = (_("temperature %(t).2f fitted on %(n)d spot checks") % {
            "t": calibration["temperature"], "n": calibration["mentions"]}
            if calibration.get("fitted_on") == "spot_checks" else
            _("temperature %(t).2f fitted on %(n)d held-out corrections") % {
            "t": calibration["temperature"], "n": calibration["mentions"]}
            if calibration.get("method") == "temperature" else
            _("capped at %(cap).0f %% (the corpus cross-validation's accuracy)") % {"cap": 100 * calibration["cap"]}
            if calibration.get("method") == "cap" else "–")
        return format_html(
            "<p><strong>{}</strong> ({} {})</p><table><tr><th></th><th>{}</th><th>{}</th></tr>{}</table>"
            "<ul>{}</ul><p>{} {}</p>",
            verdict, _("compared with"), decision.get("against") or "–",
            _("this version (macro-F1)"), _("active version then"),
            format_html_join("", "<tr><th>{}</th><td>{}</td><td>{}</td></tr>", rows),
            format_html_join("", "<li>{}</li>", ((reason_text(r),) for r in decision["reasons"])),
            _("Confidence shown to people:"), confidence)

    @admin.action(description=_("Activate this version"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), level="error")
            return
        model_activate(model=queryset.get())
        self.message_user(request, _("Version activated: new mentions are classified with it."))


# --- Crisis alerts


@admin.register(CrisisSettings)
class CrisisSettingsAdmin(admin.ModelAdmin):
    """Per brand: whether it is checked for crises and who is e-mailed. Slack and other tools
    subscribe to `alert.raised` under Webhook subscriptions."""

    list_display = ["brand", "enabled", "recipients"]
    list_filter = ["enabled"]
    filter_horizontal = ["email_recipients"]
    fields = ["brand", "enabled", "email_recipients"]

    @admin.display(description=_("e-mail recipients"))
    def recipients(self, settings_row):
        names = [u.get_username() for u in settings_row.email_recipients.all()]
        return ", ".join(names) if names else _("every manager and admin")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("brand").prefetch_related("email_recipients")


@admin.register(CrisisAlert)
class CrisisAlertAdmin(admin.ModelAdmin):
    """The history, read-only: alerts are opened by the crisis check and handled on the alerts page."""

    list_display = ["brand", "state", "opened_at", "window_end", "notified_at"]
    list_filter = ["state", "brand"]
    date_hierarchy = "opened_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
