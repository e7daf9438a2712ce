"""Staff pages of the Ombudsman track, under /staf/ombudsman/."""

from django.urls import URLPattern, URLResolver, path

from tuntas.ombudsman import views, views_intake, views_room

app_name = "ombudsman"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.case_list, name="list"),
    path("baru/", views_intake.intake_citizen, name="intake_citizen"),
    path("baru/tanda-terima/", views_intake.intake_receipt, name="intake_receipt"),
    path("prakarsa-sendiri/", views_intake.intake_own_initiative, name="intake_own_initiative"),
    path("ambil-alih/", views_intake.intake_offered, name="intake_offered"),
    path("kasus/<str:number>/", views.case_detail, name="case"),
    path("kasus/<str:number>/langkah/<str:step>/", views.case_step, name="step"),
    path("kasus/<str:number>/surat/", views.letter_new, name="letter_new"),
    path("surat/<int:letter_id>/unduh/", views.letter_download, name="letter_download"),
    # The joint case room and the partner liaison's coordination board
    path("ruang/<str:number>/", views_room.room, name="room"),
    path("ruang/<str:number>/pesan/", views_room.room_message, name="room_message"),
    path("ruang/<str:number>/dokumen/", views_room.room_document, name="room_document"),
    path(
        "ruang/<str:number>/dokumen/<int:document_id>/",
        views_room.room_document_download,
        name="room_document_download",
    ),
    path("ruang/<str:number>/tindakan/", views_room.room_action, name="room_action"),
    path(
        "ruang/<str:number>/tindakan/<int:action_id>/selesai/",
        views_room.room_action_done,
        name="room_action_done",
    ),
    path("koordinasi/", views_room.board, name="board"),
    path("koordinasi/<str:number>/dorong/", views_room.board_push, name="board_push"),
]
