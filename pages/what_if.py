"""What if: change lighting, colour, blur, angle or framing of the same photo and watch the prediction move."""
import streamlit as st

from pages import _ui as ui
from skin_core import charts, images, robustness, ui_helpers as uh

ui.entry()

lang = ui.lang()
st.title(ui.tr("whatif.title"))
st.caption(ui.tr("whatif.intro"))

# ---- which photo and which model
data = st.session_state.get("current_photo")
if data is not None:
    st.caption(ui.tr("whatif.current"))
elif uh.sample_records():
    refused = st.session_state.get("refused_photo")
    if refused == "unreadable":  # the last file given to the Analyze page was not a usable photo
        st.info(ui.tr("whatif.pick_sample_unreadable"))
    else:
        st.info(ui.tr("whatif.pick_sample_refused", status=uh.status_name(refused, lang)) if refused
                else ui.tr("whatif.pick_sample"))
    data = ui.sample_picker(key="whatif_sample")
if data is None:
    st.info(ui.tr("whatif.need_photo"))
    st.stop()
with st.columns([2, 3])[0]:
    model = ui.model_select(key="whatif_model")
if model is None:
    st.stop()
original = ui.or_stop(images.load_image, data)


def reset() -> None:
    for name, tf in robustness.TRANSFORMS.items():
        st.session_state[f"wi_{name}"] = tf.neutral


# ---- sliders | original | changed
controls, before_col, after_col = st.columns([1.2, 1, 1], gap="large")
with controls:
    st.subheader(ui.tr("whatif.settings"))
    settings = {name: st.slider(ui.tr(f"whatif.t.{name}"), tf.lo, tf.hi, tf.neutral, tf.step, key=f"wi_{name}")
                for name, tf in robustness.TRANSFORMS.items()}
    st.button(ui.tr("whatif.reset"), on_click=reset, key="wi_reset")
before = ui.or_stop(ui.whatif_prediction, data, model, robustness.neutral_settings())
after = ui.or_stop(ui.whatif_prediction, data, model, settings)
with before_col:
    ui.image(original, ui.tr("whatif.original"), ui.tr("whatif.original_alt"))
with after_col:
    ui.image(after["image"], ui.tr("whatif.changed"), ui.tr("whatif.changed_alt"))

# ---- before / after probabilities
st.subheader(ui.tr("whatif.before_after"))
verdict = {k: uh.short_answer(p["status"], p["label"], p["probs"], lang, p["quality"].codes)
           for k, p in (("before", before), ("after", after))}
st.markdown(ui.tr("whatif.verdict", **verdict))
warned = uh.whatif_cancer_warning(before, after, lang)  # the Analyze page's cancer banner, in one line
if warned:
    st.error(warned, icon=":material/warning:")
reasons = uh.quality_reasons(after["quality"], lang)
if reasons:
    st.warning(ui.tr("whatif.quality_flag", reasons=" ".join(reasons)))
st.plotly_chart(charts.before_after_bars(before["probs"], after["probs"], lang), key="before_after",
                config={"displayModeBar": False}, alt=ui.tr("whatif.before_after"))
refused = next((p for p in (after, before) if p["status"] not in ("ok", "uncertain")), None)
if refused:
    st.caption(ui.tr("whatif.raw_view", status=uh.status_name(refused["status"], lang, refused["quality"].codes)))

# ---- sweep one setting across its range
axis = ui.choice(st.selectbox, ui.tr("whatif.sweep_axis"), robustness.TRANSFORMS, "wi_axis",
                 format_func=ui.fmt("whatif.t."))
run = st.button(ui.tr("whatif.sweep_run"), key="wi_sweep", type="primary",
                help=ui.tr("whatif.sweep_help", n=len(robustness.TRANSFORMS[axis].grid)))
try:
    sweep = ui.whatif_sweep(data, model, axis, settings, run)
except Exception as err:  # never a traceback on screen; the sliders above keep working
    st.error(ui.tr("error.unexpected", msg=f"{type(err).__name__}: {err}"))
    sweep = None
if sweep is None and st.session_state.get("sweeps"):  # a plot was drawn for other settings: say why it is gone
    st.info(ui.tr("whatif.sweep_stale"))
if sweep is not None:
    axis_label = ui.tr(f"whatif.t.{axis}")
    st.markdown(f"**{ui.tr('whatif.sweep_title', axis=axis_label)}**")
    st.plotly_chart(charts.sweep_lines(sweep, lang, axis_label, current=settings[axis]), key="sweep_chart",
                    config={"displayModeBar": False}, alt=ui.tr("whatif.sweep_alt", axis=axis_label))
    cancer = uh.sweep_cancer_warning(sweep, lang, axis_label)
    if cancer:
        st.error(cancer, icon=":material/warning:")
    answers = uh.sweep_answers(sweep, lang)
    st.markdown(ui.tr("whatif.sweep_flips", answers=" → ".join(answers)) if len(answers) > 1
                else ui.tr("whatif.sweep_stable"))
    flagged = uh.sweep_quality_values(sweep)
    if flagged:
        st.caption(ui.tr("whatif.sweep_quality", values=", ".join(flagged)))
