from django.utils.translation import gettext_lazy as _

from tuntas.audit.registry import register

# Public ones show on the reporter's tracking timeline, in plain words.
register("ombudsman.opened", _("The Ombudsman received the report"), public=True)
register("ombudsman.assigned", _("An Ombudsman assistant was assigned"))
register("ombudsman.handed_over", _("The case was handed over within the Ombudsman"), public=True)
register("ombudsman.handover_received", _("The case was received from another Ombudsman unit"))
register("ombudsman.formal_checked", _("The formal requirements were checked"))
register(
    "ombudsman.request_completeness",
    _("The Ombudsman asked you to complete the report"),
    public=True,
)
register(
    "ombudsman.completeness_received", _("Your additional documents were received"), public=True
)
register(
    "ombudsman.completeness_lapse",
    _("The report was closed: the documents did not arrive in time"),
    public=True,
)
register(
    "ombudsman.close_formal",
    _("The report was closed: the formal requirements were not met"),
    public=True,
)
register("ombudsman.formal_verify", _("The report meets the formal requirements"), public=True)
register("ombudsman.material_checked", _("The substance of the report was checked"))
register("ombudsman.material_verify", _("The report is for the Ombudsman to examine"), public=True)
register(
    "ombudsman.material_reject", _("The report is not for the Ombudsman to examine"), public=True
)
register("ombudsman.plenary_examine", _("The Ombudsman decided to examine the report"), public=True)
register(
    "ombudsman.plenary_reject", _("The Ombudsman decided not to examine the report"), public=True
)
register("ombudsman.rco_accept", _("The report is handled on the fast track"), public=True)
register("ombudsman.rco_resolve", _("The fast-track case was resolved"), public=True)
register("ombudsman.clarification_requested", _("Clarification was asked of the reported party"))
register("ombudsman.clarification_answered", _("The reported party answered the clarification"))
register("ombudsman.clarification_overdue", _("A clarification answer is overdue"))
register("ombudsman.summons_recorded", _("A summons was recorded"))
register("ombudsman.summons_attendance", _("Attendance at a summons was recorded"))
register("ombudsman.mediation_recorded", _("A conciliation or mediation was recorded"))
register(
    "ombudsman.lahp_draft",
    _("The draft final report is ready for your response"),
    public=True,
)
register(
    "ombudsman.lahp_response",
    _("Your response to the draft final report was received"),
    public=True,
)
register(
    "ombudsman.lahp_reexamine", _("The case is examined again after your response"), public=True
)
register(
    "ombudsman.lahp_issue",
    _("The final report was issued; corrective actions are monitored"),
    public=True,
)
register("ombudsman.lahp_issue_close", _("The final report was issued"), public=True)
register("ombudsman.corrective_action_done", _("A corrective action was carried out"), public=True)
register("ombudsman.corrective_action_overdue", _("A corrective action is overdue"))
register("ombudsman.monitoring_complete", _("The corrective actions were carried out"), public=True)
register("ombudsman.recommendation_issue", _("The Ombudsman issued a recommendation"), public=True)
register("ombudsman.recommendation_overdue", _("The report on a recommendation is overdue"))
register(
    "ombudsman.recommendation_close",
    _("The recommendation was followed up and the case closed"),
    public=True,
)
register("ombudsman.stage_overdue", _("An Ombudsman stage passed its deadline"))
register("ombudsman.withdraw", _("You withdrew the report from the Ombudsman"), public=True)
register("ombudsman.letter_generated", _("A letter was generated"))
register("ombudsman.letter_downloaded", _("A letter was downloaded"))
register("ombudsman.room_message", _("A message was posted in the joint case room"))
register("ombudsman.room_document", _("A document was shared in the joint case room"))
register("ombudsman.agreed_action_added", _("An action was agreed in the joint case room"))
register("ombudsman.agreed_action_done", _("An agreed action was done"))
register("ombudsman.letter_template_changed", _("A letter template was changed"))
register("ombudsman.reference_entry_saved", _("An Ombudsman reference list entry was saved"))
register("ombudsman.unit_pushed", _("The partner's liaison urged the unit to act"))
