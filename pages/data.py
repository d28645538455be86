"""Data page: upload a spreadsheet, manage datasets, browse the customer features."""

import pandas as pd
import streamlit as st

from analytics import datasets as datasets_module
from analytics import ingest, mapping, readers, validation
from ui import state
from ui.state import t

MAX_REJECTS_SHOWN = 200


# Uploads are cached per uploaded file (Streamlit's file_id), not by hashing their bytes on every
# rerun, and shared read-only rather than copied: a large file is parsed and validated once.
@st.cache_resource(show_spinner=False, max_entries=2)
def _sheets(file_id: str, filename: str, _data: bytes) -> list[str]:
    return readers.excel_sheets(filename, _data)


@st.cache_resource(show_spinner=False, max_entries=2)
def _read(file_id: str, filename: str, sheet: str | None, _data: bytes) -> readers.RawTable:
    return readers.read_upload(filename, _data, sheet)


@st.cache_resource(show_spinner=False, max_entries=4)
def _validate(file_id: str, sheet: str | None, chosen: tuple, kind: str,
              _raw: readers.RawTable) -> validation.ValidatedUpload:
    check = validation.validate_transactions if kind == "transactions" else validation.validate_customers
    return check(_raw, dict(chosen))


def _error_text(error: Exception) -> str:
    """A message naming the file and what is wrong, for every failure an upload can meet."""
    if isinstance(error, readers.UploadError):
        return t(f"upload.error_{error.code}", file=error.filename, **error.details)
    if isinstance(error, validation.MappingError):
        return t("upload.error_missing_fields", file=error.filename,
                 fields=", ".join(t(f"field.{name}") for name in error.missing))
    if isinstance(error, ingest.DuplicateUploadError):
        return t("upload.error_duplicate", file=error.filename, name=error.dataset_name)
    if isinstance(error, ingest.NothingToWriteError):
        return t("upload.error_all_rejected", file=error.filename)
    return t("app.error_generic", error=error)


def _mapping_widgets(raw: readers.RawTable, fields: tuple) -> dict[str, str]:
    headers = list(raw.frame.columns)
    suggested = mapping.suggest_mapping(headers, fields)
    options = [""] + headers
    labels = {header: header for header in headers} | {"": t("upload.not_mapped")}
    chosen = {}
    columns = st.columns(3)
    for index, field in enumerate(fields):
        label = t(f"field.{field.name}") + (" *" if field.required else "")
        default = suggested.get(field.name, "")
        value = columns[index % 3].selectbox(
            label, options, index=options.index(default), key=state.translated_options(f"map_{raw.filename}_{raw.sheet}_{field.name}"),
            format_func=labels.get,
        )
        if value:
            chosen[field.name] = value
    return chosen


def _report(result: validation.ValidatedUpload) -> None:
    st.subheader(t("upload.report"))
    left, right = st.columns(2)
    left.metric(t("upload.accepted"), f"{result.rows_accepted:,}")
    right.metric(t("upload.rejected"), f"{result.rows_rejected:,}")
    for code, count in result.warnings.items():
        st.warning(t(f"upload.warning_{code}", count=count))
    returns = int((result.transactions["revenue"] < 0).sum())
    if returns:
        st.info(t("upload.returns_note", count=returns))
    if result.rows_rejected:
        reasons = result.reasons()
        st.markdown(f"**{t('upload.reasons')}**")
        st.dataframe(pd.DataFrame({
            t("reject.reason"): [t(f"reason.{code}") for code in reasons.index],
            t("reject.count"): reasons.to_numpy(),
        }), hide_index=True)
        shown = result.rejects.head(MAX_REJECTS_SHOWN).assign(reason=lambda f: f["reason"].map(lambda c: t(f"reason.{c}")))
        st.dataframe(shown.rename(columns={
            "row": t("reject.row"), "column": t("reject.column"), "reason": t("reject.reason"), "value": t("reject.value"),
        }).drop(columns="field"), hide_index=True)
        st.download_button(
            t("upload.download_rejects"), result.rejects.to_csv(index=False).encode("utf-8-sig"),
            file_name=f"rejected_{result.filename}.csv", mime="text/csv",
        )


def _import(result, kind, data, current) -> None:
    store = state.get_store()
    if kind == "customers":
        count = ingest.write_customer_master(store, result, current.dataset_id)
        st.success(t("upload.done_master", count=count, name=current.name, file=result.filename))
        return
    mode = st.session_state["upload_mode"]
    bar = st.progress(0.0, text=t("upload.progress"))
    dataset_id = ingest.write_upload(
        store, result, mode=mode, digest=ingest.file_hash(data),
        dataset_id=None if mode == "new" else current.dataset_id,
        dataset_name=st.session_state.get("upload_name") or result.filename,
        progress=lambda share: bar.progress(share, text=t("upload.progress")),
    )
    state.set_active_dataset(dataset_id)
    name = datasets_module.get_dataset(store, dataset_id).name
    st.session_state["upload_done"] = t("upload.done", rows=f"{result.rows_accepted:,}", file=result.filename, name=name)
    st.rerun()


def upload_tab(current: datasets_module.Dataset) -> None:
    if message := st.session_state.pop("upload_done", None):
        st.success(message)
    kinds = {kind: t(f"upload.kind_{kind}") for kind in ("transactions", "customers")}
    kind = st.radio(t("upload.kind"), list(kinds), horizontal=True, key=state.translated_options("upload_kind"), format_func=kinds.get)
    uploaded = st.file_uploader(t("upload.file"), type=["csv", "txt", "xlsx", "xls"], help=t("upload.help"), key="upload_file")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    try:
        sheet = None
        if readers.is_excel(uploaded.name, data):
            sheet = st.selectbox(t("upload.sheet"), _sheets(uploaded.file_id, uploaded.name, data), key="upload_sheet")
        with st.spinner(t("upload.reading")):
            raw = _read(uploaded.file_id, uploaded.name, sheet, data)
        if raw.frame.empty:
            raise readers.UploadError("headers_only", uploaded.name)
    except readers.UploadError as error:
        st.error(_error_text(error) + " " + t("upload.nothing_changed"))
        return
    if raw.sheet is None:
        st.caption(t("upload.detected", rows=f"{len(raw.frame):,}", columns=raw.frame.shape[1],
                     encoding=raw.encoding, delimiter=repr(raw.delimiter)))
    else:
        st.caption(t("upload.detected_excel", rows=f"{len(raw.frame):,}", columns=raw.frame.shape[1], sheet=raw.sheet))
    with st.expander(t("upload.preview"), expanded=True):
        st.dataframe(raw.frame.head(20), hide_index=True)

    st.subheader(t("upload.mapping"))
    st.caption(t("upload.mapping_help"))
    fields = mapping.ALL_FIELDS if kind == "transactions" else mapping.MASTER_FIELDS
    chosen = _mapping_widgets(raw, fields)
    try:
        with st.spinner(t("upload.validating")):
            result = _validate(uploaded.file_id, sheet, tuple(sorted(chosen.items())), kind, raw)
    except validation.MappingError as error:
        st.error(_error_text(error))
        return
    _report(result)

    if kind == "transactions":
        modes = {mode: t(f"upload.mode_{mode}", name=current.name) for mode in ingest.MODES}
        st.radio(t("upload.destination"), list(modes), key=state.translated_options("upload_mode"), horizontal=True, format_func=modes.get)
        if st.session_state["upload_mode"] == "new":
            st.text_input(t("upload.dataset_name"), value=uploaded.name.rsplit(".", 1)[0], key="upload_name")
    else:
        st.info(t("upload.master_target", name=current.name))
    if st.button(t("upload.import"), type="primary", key="upload_import"):
        try:
            _import(result, kind, data, current)
        except (ingest.DuplicateUploadError, ingest.NothingToWriteError) as error:
            st.error(_error_text(error) + " " + t("upload.nothing_changed"))
        except Exception as error:  # noqa: BLE001 - the transaction rolled back; say so instead of a traceback
            st.error(_error_text(error))


def datasets_tab(current: datasets_module.Dataset) -> None:
    store = state.get_store()
    if message := st.session_state.pop("datasets_message", None):
        st.success(message)
    frame = datasets_module.datasets_frame(store)
    st.dataframe(pd.DataFrame({
        t("data.col_name"): frame["name"], t("data.col_rows"): frame["rows"],
        t("data.col_customers"): frame["customers"], t("data.col_from"): frame["date_min"],
        t("data.col_to"): frame["date_max"], t("data.col_source"): frame["source_file"],
        t("data.col_created"): frame["created"], t("data.col_demo"): frame["is_demo"],
    }), hide_index=True)
    names = dict(zip(frame["dataset_id"], frame["name"]))
    ids = list(names)
    picked = st.selectbox(t("data.pick"), ids, index=ids.index(current.dataset_id), format_func=names.get, key="manage_pick")
    if picked != current.dataset_id and st.button(t("data.switch"), key="manage_switch"):
        state.set_active_dataset(picked)
        st.rerun()
    left, right = st.columns(2)
    with left:
        new_name = st.text_input(t("data.rename_label"), value=names[picked], key=f"rename_{picked}")
        if st.button(t("data.rename"), key="manage_rename") and new_name.strip():
            datasets_module.rename_dataset(store, picked, new_name)
            st.session_state["datasets_message"] = t("data.renamed", name=new_name.strip())
            st.rerun()
    with right:
        typed = st.text_input(t("data.delete_confirm", name=names[picked]), key=f"delete_{picked}")
        if st.button(t("data.delete"), key="manage_delete"):
            if typed.strip() != names[picked]:
                st.error(t("data.delete_mismatch"))
            else:
                datasets_module.delete_dataset(store, picked)
                state.set_active_dataset(None)
                st.session_state["datasets_message"] = t("data.deleted", name=names[picked])
                st.rerun()


def customers_tab(current: datasets_module.Dataset) -> None:
    features = state.features(current)
    if not current.has_cost:
        st.info(t("data.no_cost"))
    query = st.text_input(t("data.search"), key="customer_search").strip()
    shown = features
    if query:
        hit = features["customer_id"].str.contains(query, case=False, regex=False) | \
            features["name"].str.contains(query, case=False, regex=False, na=False)
        shown = features[hit]
    st.caption(t("data.customers_shown", shown=f"{len(shown):,}", total=f"{len(features):,}"))
    st.dataframe(shown.rename(columns=lambda c: t(f"field.{c}")), hide_index=True)


st.title(t("data.title"))
current = state.active_dataset()
upload, manage, customers = st.tabs([t("data.tab_upload"), t("data.tab_datasets"), t("data.tab_customers")])
with upload:
    upload_tab(current)
with manage:
    datasets_tab(current)
with customers:
    customers_tab(current)
