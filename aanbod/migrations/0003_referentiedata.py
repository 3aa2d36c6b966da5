"""The starting taxonomy: themas of upbringing and the languages aanbod is offered in.

Coordinators can add, rename or deactivate themas in the admin; this migration only creates what is
missing (by slug or code), so it never overwrites their edits.
"""

from django.db import migrations

THEMAS = [
    # slug, nl, en, fr
    ("zwangerschap-en-geboorte", "Zwangerschap en geboorte", "Pregnancy and birth", "Grossesse et naissance"),
    ("slapen", "Slapen", "Sleep", "Sommeil"),
    ("eten-en-drinken", "Eten en drinken", "Eating and drinking", "Alimentation"),
    ("huilen-en-troosten", "Huilen en troosten", "Crying and comforting", "Pleurs et réconfort"),
    ("zindelijkheid", "Zindelijkheid", "Potty training", "Propreté"),
    ("ontwikkeling", "Ontwikkeling", "Development", "Développement"),
    ("spelen", "Spelen", "Play", "Jeu"),
    ("taal-en-meertaligheid", "Taal en meertaligheid", "Language and multilingualism", "Langage et multilinguisme"),
    ("gedrag-en-grenzen", "Gedrag en grenzen", "Behaviour and boundaries", "Comportement et limites"),
    ("emoties", "Gevoelens en emoties", "Feelings and emotions", "Sentiments et émotions"),
    ("gezondheid", "Gezondheid", "Health", "Santé"),
    ("school-en-leren", "School en leren", "School and learning", "École et apprentissage"),
    ("kinderopvang", "Kinderopvang", "Childcare", "Accueil de l'enfant"),
    ("schermen-en-media", "Schermen en media", "Screens and media", "Écrans et médias"),
    ("puberteit", "Puberteit", "Adolescence", "Adolescence"),
    ("relaties-in-het-gezin", "Relaties in het gezin", "Family relationships", "Relations familiales"),
    ("scheiding", "Scheiding", "Separation and divorce", "Séparation et divorce"),
    ("pesten", "Pesten", "Bullying", "Harcèlement"),
    ("opvoeden-met-weinig-geld", "Opvoeden met weinig geld", "Raising children on a low income",
     "Éduquer avec peu d'argent"),
    ("welzijn-van-ouders", "Welzijn van ouders", "Parents' wellbeing", "Bien-être des parents"),
    ("vrije-tijd", "Vrije tijd", "Leisure time", "Loisirs"),
    ("rouw-en-verlies", "Rouw en verlies", "Grief and loss", "Deuil et perte"),
]

TALEN = [
    ("nl", "Nederlands", "Dutch", "Néerlandais", 1),
    ("fr", "Frans", "French", "Français", 2),
    ("en", "Engels", "English", "Anglais", 3),
    ("de", "Duits", "German", "Allemand", 4),
    ("ar", "Arabisch", "Arabic", "Arabe", 10),
    ("tr", "Turks", "Turkish", "Turc", 10),
    ("pl", "Pools", "Polish", "Polonais", 10),
    ("ro", "Roemeens", "Romanian", "Roumain", 10),
    ("uk", "Oekraïens", "Ukrainian", "Ukrainien", 10),
    ("ru", "Russisch", "Russian", "Russe", 10),
    ("es", "Spaans", "Spanish", "Espagnol", 10),
    ("so", "Somalisch", "Somali", "Somali", 10),
    ("ti", "Tigrinya", "Tigrinya", "Tigrinya", 10),
    ("prs", "Dari", "Dari", "Dari", 10),
    ("vgt", "Vlaamse Gebarentaal", "Flemish Sign Language", "Langue des signes flamande", 20),
]


def load(apps, schema_editor):
    Thema = apps.get_model("aanbod", "Thema")
    Taal = apps.get_model("aanbod", "Taal")
    for volgorde, (slug, nl, en, fr) in enumerate(THEMAS, start=1):
        Thema.objects.get_or_create(
            slug=slug, defaults={"naam": nl, "naam_en": en, "naam_fr": fr, "volgorde": volgorde * 10}
        )
    for code, nl, en, fr, volgorde in TALEN:
        Taal.objects.get_or_create(
            code=code, defaults={"naam": nl, "naam_en": en, "naam_fr": fr, "volgorde": volgorde}
        )


class Migration(migrations.Migration):
    dependencies = [("aanbod", "0002_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
