"""The rules that find a newsletter's furniture, in several languages."""

from __future__ import annotations

import pytest

from clippings.importers.mail_boilerplate import (
    browser_link,
    browser_link_in_text,
    is_boilerplate,
    is_postal_address,
    remove_furniture,
    trim_paragraphs,
    unwrap_redirect,
)

FURNITURE = [
    # English
    "View this email in your browser",
    "Having trouble viewing this email? View it online",
    "Unsubscribe",
    "Unsubscribe | Manage preferences | Forward to a friend",
    "Update your email preferences or unsubscribe from this list.",
    "You are receiving this email because you signed up for the Morning Briefing.",
    "This email was sent to reader@example.org by CNN.",
    "Add newsletters@example.com to your address book to make sure we reach your inbox.",
    "© 2026 Cable News Network. A Warner Bros. Discovery Company. All Rights Reserved.",
    "Copyright (c) 2026 Example Media Ltd",
    "CNN, 1 CNN Center, Atlanta, GA 30303",
    "Our mailing address is: Example Media, 123 Main Street, Springfield, IL 62701",
    "Facebook | Twitter | Instagram | LinkedIn",
    "[image: tracking]",
    # German
    "Im Browser ansehen",
    "Newsletter abbestellen",
    "Abmelden | Einstellungen verwalten",
    "Sie erhalten diese E-Mail, weil Sie sich für unseren Newsletter angemeldet haben.",
    "An einen Freund weiterleiten",
    "Heise Medien GmbH & Co. KG, Karl-Wiechert-Allee 10, 30625 Hannover",
    "© 2026 Heise Medien. Alle Rechte vorbehalten.",
    # French
    "Voir dans le navigateur",
    "Si ce message ne s'affiche pas correctement, consultez la version en ligne",
    "Se désabonner",
    "Vous recevez cet e-mail car vous êtes inscrit à la lettre d'information.",
    "Gérer mes préférences",
    "Libération, 2 rue du Louvre, 75001 Paris",
    "Tous droits réservés",
    # Spanish
    "Ver en el navegador",
    "Darse de baja",
    "Si no deseas recibir más correos, puedes darte de baja aquí.",
    "Recibes este correo porque estás suscrito al boletín de El País.",
    "Reenviar a un amigo",
    "Calle de Alcalá 120, 28009 Madrid",
    "Todos los derechos reservados.",
    # Italian, Portuguese
    "Annulla l'iscrizione",
    "Cancelar inscrição",
    # Substack
    "You’re currently a free subscriber to One Useful Thing. Subscriptions are optional "
    "but help support my work.",
    "Upgrade to paid",
]

ARTICLE = [
    "Shares in Aeroflot fell 3% after the announcement on Monday.",
    "The company said subscribers could unsubscribe at any time, a point regulators had "
    "pressed for months, and that the change would apply to all of its 40 million customers "
    "across Europe, the Americas and Asia once the new rules take effect next year, according "
    "to a statement released after the markets closed on Friday evening in New York, where "
    "analysts had expected a far smaller change and said so in notes to their clients.",
    "Die Bundesregierung will das Gesetz noch vor der Sommerpause verabschieden.",
    "Le gouvernement a présenté mercredi son projet de loi sur les retraites.",
    "El Gobierno aprobó ayer el nuevo decreto sobre la vivienda.",
    "He lived at 10 Downing Street for three years before moving on.",
]


@pytest.mark.parametrize("paragraph", FURNITURE)
def test_furniture_is_found(paragraph):
    assert is_boilerplate(paragraph)


@pytest.mark.parametrize("paragraph", ARTICLE)
def test_article_paragraphs_are_not_furniture(paragraph):
    assert not is_boilerplate(paragraph)


def test_only_the_ends_are_trimmed_and_an_article_sentence_about_unsubscribing_stays():
    paragraphs = [
        "View in browser",
        "Headline of the day",
        "The first paragraph of the article tells what happened, where and when.",
        "Readers can unsubscribe from the service, the company said, in a short note.",
        "The last paragraph of the article.",
        "Unsubscribe | Manage preferences",
        "The Daily Briefing team",
        "© 2026 Example News",
        "Example News, 1 Main Street, Springfield, IL 62701",
    ]
    kept = [paragraphs[i] for i in trim_paragraphs(paragraphs)]
    assert kept == paragraphs[1:5]


def test_postal_addresses():
    assert is_postal_address("1 CNN Center, Atlanta, GA 30303")
    assert is_postal_address("Karl-Wiechert-Allee 10, 30625 Hannover")
    assert not is_postal_address("The fire started at 3 Main Street, officials said.")
    assert not is_postal_address(
        "Qeshm, a 1, 500 - square - kilometer island off the coast southwest of Bandar "
        "Abbas and 1, 500 kilometers south of Tehran, has a population of 120,000."
    )


def test_the_view_in_browser_link_is_found_in_html_and_text():
    from lxml import html

    tree = html.fromstring(
        '<html><body><p><a href="https://ex.com/unsub">Unsubscribe</a></p>'
        '<p><a href="https://ex.com/web/42">Im Browser ansehen</a></p><p>Text</p></body></html>'
    )
    assert browser_link(tree) == "https://ex.com/web/42"
    text = "Voir dans le navigateur :\nhttps://ex.fr/v/1\n\nLe texte."
    assert browser_link_in_text(text) == "https://ex.fr/v/1"
    assert browser_link_in_text("No link here.\n\nhttps://ex.com/article") is None


def test_a_tracking_redirect_is_unwrapped_to_the_address_it_carries():
    import base64
    import json

    target = "https://www.example.org/p/the-story?utm_campaign=email-post&r=f8zai&keep=1"
    payload = base64.urlsafe_b64encode(json.dumps({"e": target, "p": 1}).encode()).decode()
    redirect = "https://substack.com/redirect/2/" + payload.rstrip("=") + ".kOWujHH-iIMEU?j=eyJ1"
    assert unwrap_redirect(redirect) == "https://www.example.org/p/the-story?keep=1"
    query = "https://click.example.com/t?u=https%3A%2F%2Fnews.example.com%2Fa%3Futm_source%3Dx"
    assert unwrap_redirect(query) == "https://news.example.com/a"
    plain = "https://newsletters.example.com/view/42?q=a%20b"
    assert unwrap_redirect(plain) == plain
    tracked = "https://newsletters.example.com/view/42?id=7&utm_source=newsletter"
    assert unwrap_redirect(tracked) == "https://newsletters.example.com/view/42?id=7"


def test_furniture_blocks_are_removed_from_the_html():
    from lxml import html

    tree = html.fromstring(
        "<html><body><table>"
        '<tr><td><a href="https://x/v">View in browser</a></td></tr>'
        "<tr><td><p>The article's first paragraph.</p><p>Its second one.</p></td></tr>"
        "<tr><td>Unsubscribe | Manage preferences</td></tr>"
        "<tr><td>© 2026 Example</td></tr>"
        "</table></body></html>"
    )
    assert remove_furniture(tree) == 3
    text = tree.text_content()
    assert "article's first paragraph" in text and "second" in text
    assert "Unsubscribe" not in text and "View in browser" not in text and "©" not in text
