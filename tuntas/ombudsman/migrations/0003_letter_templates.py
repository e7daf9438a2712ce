"""The seven official letters with plain Indonesian bodies; administrators edit them in the admin.

Variables available to every body: number, date, office, office_address, report_number,
report_title, report_description, report_date, reported_party, reported_unit, reporter, kind;
and per kind the ones named in each body below. Everything is escaped when rendered.
"""

from django.db import migrations

COMMON = """<table class="meta">
<tr><td>Nomor agenda laporan</td><td>: {{ report_number }}</td></tr>
<tr><td>Pelapor</td><td>: {{ reporter }}</td></tr>
<tr><td>Terlapor</td><td>: {{ reported_party }}{% if reported_unit %} — {{ reported_unit }}{% endif %}</td></tr>
<tr><td>Perihal</td><td>: {{ report_title }}</td></tr>
</table>"""

TEMPLATES = [
    ("tanda_terima", "Tanda Terima Laporan", "PVL.01", COMMON + """
<p>{{ office }} telah menerima laporan masyarakat pada tanggal {{ report_date }} dengan nomor agenda {{ report_number }}.</p>
<p>Laporan akan diverifikasi sesuai Undang-Undang Nomor 37 Tahun 2008 tentang Ombudsman Republik Indonesia. Pelapor tidak dipungut biaya atau imbalan dalam bentuk apa pun (Pasal 23 ayat (2)).</p>
<p>Perkembangan laporan dapat diikuti melalui halaman status laporan dengan nomor laporan dan kode akses.</p>"""),
    ("kelengkapan", "Permintaan Kelengkapan Data", "PVL.02", COMMON + """
<p>Berdasarkan hasil verifikasi formil, laporan Saudara belum memenuhi persyaratan. Mohon melengkapi:</p>
<p>{{ missing_items|linebreaksbr }}</p>
<p>Kelengkapan data kami terima paling lambat tanggal <strong>{{ due_date }}</strong>. Apabila tidak dilengkapi sampai batas waktu tersebut, laporan ditutup karena tidak memenuhi syarat formil.</p>"""),
    ("klarifikasi", "Permintaan Klarifikasi", "PL.01", COMMON + """
<p>Kepada Yth. Pimpinan {{ addressed_to }}.</p>
<p>Dalam rangka pemeriksaan laporan tersebut di atas, Ombudsman meminta {{ clarification_kind|lower }} atas hal-hal berikut:</p>
<p>{{ questions|linebreaksbr }}</p>
<p>Mohon penjelasan disampaikan paling lambat tanggal <strong>{{ due_date }}</strong>. Apabila tidak ada tanggapan, pemeriksaan dilanjutkan dan Terlapor dianggap tidak menggunakan haknya untuk menjawab.</p>"""),
    ("undangan", "Undangan / Pemanggilan", "PL.02", COMMON + """
<p>Ombudsman mengundang Saudara <strong>{{ person }}</strong>{% if capacity %} selaku {{ capacity }}{% endif %} untuk hadir memberikan keterangan pada:</p>
<table class="meta">
<tr><td>Waktu</td><td>: {{ when }}</td></tr>
<tr><td>Tempat</td><td>: {{ place }}</td></tr>
<tr><td>Pemanggilan ke-</td><td>: {{ summons_sequence }}</td></tr>
</table>
<p>Sesuai Pasal 31 Undang-Undang Nomor 37 Tahun 2008, Ombudsman dapat meminta bantuan Kepolisian untuk menghadirkan Terlapor atau saksi yang tidak memenuhi panggilan.</p>"""),
    ("penutupan", "Pemberitahuan Penutupan Laporan", "PVL.03", COMMON + """
<p>Dengan ini kami beritahukan bahwa laporan tersebut di atas ditutup.</p>
<p>Alasan penutupan: <strong>{{ closure_reason }}</strong>.</p>
{% if closure_note %}<p>{{ closure_note|linebreaksbr }}</p>{% endif %}
<p>Terima kasih atas kepercayaan Saudara kepada Ombudsman Republik Indonesia.</p>"""),
    ("lahp", "Laporan Akhir Hasil Pemeriksaan (LAHP)", "LAHP", COMMON + """
<h2>A. Uraian laporan</h2>
<p>{{ summary|linebreaksbr }}</p>
<h2>B. Hasil pemeriksaan</h2>
<p>{{ findings|linebreaksbr }}</p>
<h2>C. Pendapat Ombudsman</h2>
<p>{{ opinion|linebreaksbr }}</p>
<h2>D. Kesimpulan</h2>
<p><strong>{{ conclusion }}</strong>{% if maladministration_types %} — bentuk maladministrasi: {{ maladministration_types }}{% endif %}. Substansi: {{ substance }}.</p>
{% if corrective_actions %}<h2>E. Tindakan korektif</h2>
<table class="items"><tr><th>No.</th><th>Tindakan</th><th>Pelaksana</th><th>Batas waktu</th></tr>
{% for action in corrective_actions %}<tr><td>{{ forloop.counter }}</td><td>{{ action.description }}</td><td>{{ action.owner }}{% if action.owner_detail %} ({{ action.owner_detail }}){% endif %}</td><td>{{ action.due_date }}</td></tr>{% endfor %}
</table>{% endif %}
<p>Sesuai Peraturan Ombudsman, Pelapor dapat menanggapi rancangan LAHP sampai tanggal {{ response_due_date }}. Diterbitkan: {{ issued }}.</p>"""),
    ("rekomendasi", "Rekomendasi Ombudsman Republik Indonesia", "RM.03.01", COMMON + """
<p>Kepada Yth. {{ addressee }}.</p>
<p>Berdasarkan hasil pemeriksaan dan karena tindakan korektif dalam Laporan Akhir Hasil Pemeriksaan tidak dilaksanakan, Ombudsman Republik Indonesia menyampaikan Rekomendasi sebagai berikut:</p>
<p>{{ content|linebreaksbr }}</p>
<p>Sesuai Pasal 38 ayat (2) Undang-Undang Nomor 37 Tahun 2008, atasan Terlapor wajib menyampaikan laporan pelaksanaan Rekomendasi paling lambat tanggal <strong>{{ due_date }}</strong>. Rekomendasi ditandatangani oleh Ketua Ombudsman Republik Indonesia.</p>"""),
]


def add(apps, schema_editor):
    LetterTemplate = apps.get_model("ombudsman", "LetterTemplate")
    for kind, title, code, body in TEMPLATES:
        LetterTemplate.objects.get_or_create(
            kind=kind, defaults={"title": title, "number_code": code, "body": body.strip()}
        )


def remove(apps, schema_editor):
    apps.get_model("ombudsman", "LetterTemplate").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ombudsman", "0002_deadlines_and_reference_lists")]

    operations = [migrations.RunPython(add, remove)]
