"""Give the Vraag–Thema link table a model of its own, with the question's gemeente and date copied onto
it, and index both tables for the reports (see vragen.models.VraagThema and bench/reports.py).

The table `vragen_vraag_themas` stays where it is, with its rows: the model takes it over in the
migration state only, then two columns are added and filled from the questions.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_gemeente_and_datum(apps, schema_editor):
    Vraag = apps.get_model("vragen", "Vraag")
    VraagThema = apps.get_model("vragen", "VraagThema")
    vraag = Vraag.objects.filter(pk=OuterRef("vraag_id"))
    VraagThema.objects.update(
        gemeente_id=Subquery(vraag.values("gemeente_id")[:1]),
        datum=Subquery(vraag.values("datum")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("aanbod", "0001_initial"),
        ("partners", "0001_initial"),
        ("vragen", "0002_gesprek_retention_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The auto-created link table already has exactly these columns and constraints.
            state_operations=[
                migrations.CreateModel(
                    name="VraagThema",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "thema",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="aanbod.thema"),
                        ),
                        (
                            "vraag",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="vragen.vraag"),
                        ),
                    ],
                    options={
                        "db_table": "vragen_vraag_themas",
                        "unique_together": {("vraag", "thema")},
                    },
                ),
                migrations.AlterField(
                    model_name="vraag",
                    name="themas",
                    field=models.ManyToManyField(
                        related_name="vragen", through="vragen.VraagThema", to="aanbod.thema", verbose_name="themas"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="vraagthema",
            name="gemeente",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="partners.gemeente",
            ),
        ),
        migrations.AddField(
            model_name="vraagthema",
            name="datum",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(copy_gemeente_and_datum, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="vraag", name="vraag_gemeente_datum_idx"),
        migrations.AddIndex(
            model_name="vraag",
            index=models.Index(
                fields=["gemeente", "datum", "leeftijdsband", "vraagsteller", "kanaal", "doorverwezen_naar"],
                name="vraag_rapport_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="vraagthema",
            index=models.Index(fields=["gemeente", "datum", "thema", "vraag"], name="vraagthema_rapport_idx"),
        ),
    ]
