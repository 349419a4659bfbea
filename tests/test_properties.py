"""Property tests: for inputs a person controls, the worst value Hypothesis can find."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.review.callbacks import MAX_BYTES, Action, BadCallbackData, CallbackData


@given(st.text(max_size=80))
def test_any_callback_data_decodes_or_is_refused_as_bad(data: str) -> None:
    """A forged press can carry any string: it is understood or refused, never an error."""
    try:
        decoded = CallbackData.decode(data)
    except BadCallbackData:
        return
    assert CallbackData.decode(decoded.encode()) == decoded  # leading zeros aside, the same
    assert len(decoded.encode().encode()) <= MAX_BYTES


@given(
    st.sampled_from(list(Action)),
    st.integers(min_value=0, max_value=10**17),
    st.integers(min_value=1, max_value=10**8),
)
def test_a_button_made_by_the_bot_decodes_to_what_it_was_made_from(
    action: Action, item: int, version: int
) -> None:
    data = CallbackData.for_report(action, item, version)
    decoded = CallbackData.decode(data.encode())
    assert decoded == data
    assert decoded.shown_version == (version if decoded.version is not None else 1)


@given(
    st.sampled_from(["v1:approve:", "v2:now:1:", "v1:now:"]),
    st.text(st.characters(categories=["Nd", "No"]), min_size=1, max_size=8),
)
def test_non_ascii_digits_in_callback_data_are_refused(prefix: str, tail: str) -> None:
    """ "²" and "٣" pass str.isdigit; only ASCII digits are the bot's."""
    try:
        decoded = CallbackData.decode(prefix + tail)
    except BadCallbackData:
        return
    assert tail.isascii() and tail.isdigit() and decoded.item_id >= 0
