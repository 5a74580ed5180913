""""Check these": the mentions whose label the model is least sure of, to confirm or correct
one key at a time. Each answer feeds the next training and the held-out judgement."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts import roles
from complaints import selectors, services
from complaints.views import mention_for_user
from listening.choices import Label


@require_GET
@roles.role_required(roles.COMMUNITY_MANAGER)
def review(request):
    return render(request, "complaints/review.html", {
        "items": selectors.review_items(user=request.user), "labels": Label.choices,
    })


@require_POST
def review_answer(request, pk: int):
    """Confirm (the label the model proposed) or correct (another one); HTMX swaps the row."""
    mention = mention_for_user(request, pk)
    proposed = request.POST.get("proposed", "")
    try:
        spot_check = request.POST.get("spot_check") == "1"
        services.mention_label_correct(mention=mention, label=request.POST.get("label", ""), actor=request.user,
                                       spot_check=spot_check, unsure=not spot_check)
    except services.TriageError as error:
        if not request.htmx:
            messages.error(request, str(error))
            return redirect("complaints:review")
        return render(request, "complaints/partials/review_row.html",
                      {"mention": mention, "error": str(error), "labels": Label.choices}, status=400)
    if not request.htmx:
        return redirect("complaints:review")
    return render(request, "complaints/partials/review_row.html", {
        "mention": mention, "answered": True, "confirmed": mention.label == proposed, "labels": Label.choices,
    })
