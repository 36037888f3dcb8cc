"""A redline of a small change shows the change with its context, not the whole policy."""

from __future__ import annotations

from policyforge.lifecycle._redline import CONTEXT, redline_markdown


def policy(changed: int | None = None) -> str:
    blocks = []
    for section in range(1, 6):
        blocks.append(f"## {section}. Section {section}")
        for item in range(1, 9):
            number = section * 100 + item
            word = "CHANGED" if number == changed else "stays"
            blocks.append(f"**{section}.{item}** Paragraph {number} {word} as written.")
    return "\n\n".join(blocks) + "\n"


def test_a_one_line_change_shows_its_paragraph_with_context_and_its_section_heading() -> None:
    out = redline_markdown(policy(), policy(changed=305))
    shown = out.split("\n\n")
    assert "<del>stays</del> <ins>CHANGED</ins>" in out
    assert "## 3. Section 3" in shown  # the section the change is in
    paragraphs = [" ".join(b.split()) for b in shown if b.startswith("**")]
    assert paragraphs == [*(f"**3.{n}** Paragraph 30{n} stays as written." for n in (3, 4)),
                          "**3.5** Paragraph 305 <del>stays</del> <ins>CHANGED</ins> as written.",
                          *(f"**3.{n}** Paragraph 30{n} stays as written." for n in (6, 7))]
    assert "**1.1**" not in out and "**5.8**" not in out
    assert shown[0].startswith('<p class="pf-folded">… ') and shown[-1].startswith('<p class="pf-folded">… ')
    assert len(out) * 4 < len(redline_markdown(policy(), policy(changed=305), context=None))


def test_the_full_redline_keeps_every_paragraph() -> None:
    out = redline_markdown(policy(), policy(changed=305), context=None)
    assert out.count("**") // 2 == 40 and "pf-folded" not in out


def test_folded_counts_add_up_to_the_paragraphs_left_out() -> None:
    out = redline_markdown(policy(), policy(changed=305))
    import re

    folded = sum(int(n) for n in re.findall(r"… (\d+) unchanged paragraphs? …", out))
    shown = len(out.split("\n\n"))
    assert folded + shown - 2 == 45  # 40 paragraphs and 5 headings; two fold lines are not paragraphs
    assert CONTEXT == 2


def test_two_changes_close_together_share_their_context() -> None:
    old, new = policy(), policy(changed=302).replace("Paragraph 304 stays", "Paragraph 304 CHANGED")
    out = redline_markdown(old, new)
    assert out.count("<ins>CHANGED</ins>") == 2
    assert "**3.3** Paragraph 303 stays as written." in out
