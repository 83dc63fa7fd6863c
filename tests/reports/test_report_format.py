"""How the report pages write figures (apps.reports.templatetags.report_format)."""

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load report_format %}" + source).render(Context(context))


def test_a_bar_draws_its_value_names_it_and_writes_it():
    html = render('{% bar value "measured" "rolled up" %}', value=0.43)
    assert html == (
        '<span class="bar measured" role="img" aria-label="rolled up 43%"><span style="width: 43%"></span></span>'
        '<span class="pct">43%</span>'
    )


def test_a_bar_is_named_for_its_kind_without_a_label_and_stays_within_its_track():
    html = render('{% bar value "health-"|add:health %}', value=1.7, health="off_track")
    assert 'class="bar health-off_track"' in html and 'aria-label="health-off_track 170%"' in html
    assert 'style="width: 100%"' in html


def test_no_value_is_a_dash():
    assert render('{% bar value "progress" "progress" %}', value=None) == '<span class="empty">—</span>'


def test_a_bar_escapes_what_it_is_given():
    assert "&lt;b&gt;" in render("{% bar 0.5 kind kind %}", kind="<b>")
