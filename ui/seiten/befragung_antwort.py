"""The respondent's page of a network survey: opened by a personal link (``/?t=TOKEN``), no account.

It shows nothing but the wave's questions about the other members of one
alliance. A wrong, replaced or expired token gets a friendly page that says
nothing about why (nor whether a wave or a person exists).
"""

from __future__ import annotations

import streamlit as st

from graph import survey_api
from graph.errors import InputError
from graph.model import FREQUENCIES
from graph.survey import SCALE, SCALE_SIMPLE, TRUST_ITEMS, VALUE_ITEMS
from ui.common import md

FREQUENCY_SIMPLE = {"woechentlich": "jede Woche", "monatlich": "jeden Monat", "jaehrlich": "ein paar Mal im Jahr",
                    "seltener": "seltener"}


def invalid_page() -> None:
    st.title("Netzwerkbefragung")
    st.info("Dieser Link ist nicht gültig oder die Befragung ist schon beendet. "
            "Wenn Sie Fragen haben, wenden Sie sich bitte an die Koordination Ihres Bündnisses. Vielen Dank!")


def _index(options: list, value):
    return options.index(value) if value in options else None


def _member_block(number: int, name: str, earlier: dict | None, simple: bool) -> dict:
    """One member's questions; returns the raw widget values."""
    earlier = earlier or {}
    with st.container(border=True, key=f"mitglied_{number}"):
        st.markdown(f"#### {md(name)}")
        works = st.radio("Kennst du die Person und machst du etwas mit ihr zusammen?" if simple else
                         "Arbeiten Sie mit dieser Person oder Einrichtung zusammen?",
                         ["ja", "nein"], horizontal=True, key=f"w_{number}",
                         index=_index([True, False], earlier.get("works")))
        labels = FREQUENCY_SIMPLE if simple else FREQUENCIES
        frequency = st.radio("Wie oft?" if simple else "Wie oft arbeiten Sie zusammen?", list(labels),
                             format_func=labels.get, horizontal=True, key=f"f_{number}",
                             index=_index(list(labels), earlier.get("frequency")))
        scale = SCALE_SIMPLE if simple else SCALE
        st.caption("Nur ausfüllen, wenn du „ja“ gewählt hast. 1 = nein … 4 = ja, sehr." if simple else
                   "Nur bei Zusammenarbeit ausfüllen. 1 = gar nicht … 4 = sehr.")
        values = {}
        for kind, items in (("trust", TRUST_ITEMS), ("value", VALUE_ITEMS)):
            before = earlier.get(kind) or [None, None, None]
            values[kind] = [
                st.radio(question[1] if simple else question[0], [1, 2, 3, 4],
                         format_func=lambda n, s=scale: f"{n} – {s[n]}", horizontal=True,
                         key=f"{kind[0]}{j}_{number}", index=_index([1, 2, 3, 4], before[j]))
                for j, question in enumerate(items.values())]
    return {"works": works, "frequency": frequency, **values}


def render(token: str) -> None:
    """The questionnaire for `token`, or the friendly page."""
    from ui.common import session_store, store_uri

    store = session_store(store_uri())
    q = survey_api.questionnaire(store, token)
    if q is None:
        invalid_page()
        return
    st.title(f"Netzwerkbefragung: {md(q.alliance_name)}")
    if q.simple:
        st.markdown("Wir wollen wissen, wer im Bündnis mit wem etwas zusammen macht. "
                    "Es gibt keine falschen Antworten. Deine Antworten sehen nur die Koordination und das "
                    "Servicebüro.")
    else:
        st.markdown("Bitte sagen Sie uns für jedes andere Mitglied, ob und wie Sie zusammenarbeiten. "
                    "Ihre Antworten sehen nur die Koordination des Bündnisses und das Servicebüro; "
                    "Sie können sie ändern, solange die Befragung läuft"
                    + (f" (bis {q.closes:%d.%m.%Y})." if q.closes else "."))
    if q.answered_at:
        st.success("Sie haben schon geantwortet. Hier können Sie Ihre Antworten ändern.")
    with st.form("befragung"):
        raw = {member: _member_block(number, name, q.previous.get(member), q.simple)
               for number, (member, name) in enumerate(q.roster)}
        missing = st.text_area("Wer fehlt? Namen von Menschen oder Einrichtungen, die auch dazugehören "
                               "(eine Zeile je Name)" if not q.simple else "Wer fehlt noch? (ein Name pro Zeile)",
                               value="\n".join(q.missing), key="fehlt")
        sent = st.form_submit_button("Antworten speichern", type="primary")
    if not sent:
        return
    answers = {member: {"works": v["works"] == "ja", "frequency": v["frequency"], "trust": v["trust"],
                        "value": v["value"]}
               for member, v in raw.items() if v["works"] is not None}
    try:
        saved = survey_api.submit(store, token, answers, missing.splitlines())
    except InputError:
        st.error("Die Antworten konnten nicht gespeichert werden. Bitte prüfen Sie die Angaben.")
        return
    if not saved:
        invalid_page()
        return
    st.success(f"Vielen Dank! {len(answers)} Antwort(en) gespeichert. Sie können sie ändern, solange die "
               "Befragung läuft.")
