"""Data page: upload a spreadsheet, manage datasets and their upload history, browse the customer features."""

import itertools

import pandas as pd
import streamlit as st

from analytics import datasets as datasets_module
from analytics import export, ingest, locales, mapping, sniffing, sources, validation, workbooks
from analytics.auth import PermissionDenied
from ui import access, cache, database, external, settings, tables
from ui import format as fmt
from ui.figures.value import group_label
from ui.i18n import TABLE
from ui.language import lang, option_labels, t, translated_choice, translated_options
from ui.layout import page_end
from ui.markup import md

MAX_REJECTS_SHOWN = 200
# Table column widths in pixels (Streamlit's 14 px font): a digit or Latin letter, a cell's padding,
# and where the characters twice as wide begin (CJK).
CHARACTER_WIDTH, CELL_PADDING, WIDE_CHARACTERS_FROM = 8, 24, 0x2E80


def _error_text(error: Exception) -> str:
    """A message naming the file and what is wrong, for every failure an upload can meet."""
    if isinstance(error, sources.UploadError):
        return t(f"upload.error_{error.code}", file=md(error.filename), **{k: md(v) for k, v in error.details.items()})
    if isinstance(error, validation.MappingError):
        return t("upload.error_missing_fields", file=md(error.filename),
                 fields=", ".join(t(f"field.{name}") for name in error.missing))
    if isinstance(error, ingest.DuplicateUploadError):
        return t("upload.error_duplicate", file=md(error.filename), name=md(error.dataset_name))
    if isinstance(error, ingest.NothingToWriteError):
        return t("upload.error_all_rejected", file=md(error.filename))
    if isinstance(error, PermissionDenied):
        return access.denied_text(error.code, error.actor.role)
    if isinstance(error, TimeoutError):
        return t("upload.error_too_slow", seconds=int(cache.PARSE_BUDGET_SECONDS))
    return t("app.error_generic", error=md(error))


def _reading_options(uploaded, data: bytes) -> tuple[str | None, str | None, int | None]:
    """Sheet (Excel), encoding (CSV) and header row: detected unless the person picks otherwise."""
    sheet = encoding = None
    if workbooks.is_excel(uploaded.name, data):
        sheets = cache.upload_sheets(uploaded.file_id, uploaded.name, data)
        sheet = st.selectbox(t("upload.sheet"), sheets, key="upload_sheet")
    with st.expander(t("upload.reading_options")):
        left, right = st.columns(2)
        if sheet is None:
            labels = {"": t("upload.detected_option")} | {code: code for code in sniffing.ENCODINGS}
            encoding = left.selectbox(
                t("upload.encoding"), list(labels), key=translated_options("upload_encoding"), format_func=labels.get,
            ) or None
        header_line = right.number_input(t("upload.header_line"), min_value=0, max_value=1000, value=0, step=1,
                                         key="upload_header_line", help=t("upload.header_line_help"))
    return sheet, encoding, int(header_line) or None


def _describe(source: sources.Source) -> None:
    if source.sheet is None:
        text = t("upload.detected", encoding=source.encoding, delimiter=repr(source.delimiter), line=source.header_line,
                 columns=len(source.headers))
        if source.encoding != source.encoding_detected:
            text = fmt.sentences([text, t("upload.encoding_overridden", detected=source.encoding_detected)], lang())
    else:
        text = t("upload.detected_excel", sheet=md(source.sheet), line=source.header_line, columns=len(source.headers))
    st.caption(text)


def _mapping_widgets(source: sources.Source, fields: tuple) -> dict[str, str]:
    headers = source.headers
    suggested = mapping.suggest_mapping(headers, fields)
    options = ["", *headers]
    labels = {header: header for header in headers} | {"": t("upload.not_mapped")}  # selectbox options are plain text
    chosen = {}
    columns = st.columns(3)
    for index, field in enumerate(fields):
        label = t(f"field.{field.name}") + (" *" if field.required else "")
        default = suggested.get(field.name, "")
        value = columns[index % 3].selectbox(
            label, options, format_func=labels.get,
            **translated_choice(f"map_{source.filename}_{source.sheet}_{field.name}", default),
        )
        if value:
            chosen[field.name] = value
    return chosen


def _locale_widgets(source: sources.Source, chosen: dict[str, str]) -> tuple[dict, dict, list[str]]:
    """Beside each mapped number and date column: what was detected, and the person's choice."""
    decimals, orders, undecided = {}, {}, []
    rows = [(name, header) for name, header in chosen.items()
            if name in validation.FIELDS and validation.FIELDS[name].kind in ("number", "date")]
    if not rows:
        return decimals, orders, undecided
    st.markdown(f"**{t('upload.locale')}**")
    st.caption(t("upload.locale_help"))
    columns = st.columns(3)
    for index, (name, header) in enumerate(rows):
        kind = validation.FIELDS[name].kind
        detected = validation.detect_locale(source, header, kind)
        options = list(locales.DECIMALS if kind == "number" else locales.DATE_ORDERS)
        default = detected if detected in options else (options[0] if detected is None else None)
        picked = columns[index % 3].selectbox(
            t(f"field.{name}") + f" · {md(header)}", options,
            **translated_choice(f"locale_{source.filename}_{source.sheet}_{name}_{header}", default),
            format_func=option_labels("locale."), placeholder=t("upload.locale_choose"),
            help=t(f"upload.locale_detected_{detected or 'none'}"),
        )
        if picked is None:
            undecided.append(name)
        elif kind == "number":
            decimals[name] = picked
        else:
            orders[name] = picked
    return decimals, orders, undecided


def _report(report: validation.Report) -> None:
    st.subheader(t("upload.report"))
    # The date range ("2024-01-05 – 2024-03-31") gets the room of about three cards and the revenue's
    # label ("Revenue of accepted rows") one and a half: in a card each they were cut off.
    cells = st.columns([1, 1, 1.5, 3] if report.kind == "transactions" else 2)
    cells[0].metric(t("upload.accepted"), fmt.count(report.rows_accepted, lang()))
    cells[1].metric(t("upload.rejected"), fmt.count(report.rows_rejected, lang()))
    if report.kind == "transactions":
        cells[2].metric(t("upload.total_revenue"), fmt.compact(report.revenue, lang()),  # fits its card
                        help=t("conc.kpi.exact", amount=f"{report.revenue:,.2f}"))
        if report.date_min is not None:
            cells[3].metric(t("upload.date_range"), f"{report.date_min} – {report.date_max}")
    for code, count in report.warnings.items():
        st.warning(t(f"upload.warning_{code}", count=count))
    if report.returns:
        st.info(t("upload.returns_note", count=fmt.count(report.returns, lang())))
    if report.rows_rejected:
        st.markdown(f"**{t('upload.reasons')}**")
        tables.dataframe(pd.DataFrame({
            t("reject.reason"): [t(f"reason.{code}") for code in report.reasons.index],
            t("reject.count"): _counts(report.reasons),
        }), hide_index=True)
        shown = report.rejects.head(MAX_REJECTS_SHOWN).assign(reason=lambda f: f["reason"].map(lambda c: t(f"reason.{c}")))
        tables.dataframe(shown.rename(columns={
            "row": t("reject.row"), "column": t("reject.column"), "reason": t("reject.reason"), "value": t("reject.value"),
        }).drop(columns="field"), hide_index=True)
        st.download_button(
            t("upload.download_rejects"), export.to_csv_bytes(report.rejects),
            file_name=f"rejected_{report.filename}.csv", mime="text/csv", key="upload_rejects_csv",
        )


def _preflight(mode: str, file_id: str, choices_key: tuple, source, choices, current, data: bytes) -> None:
    """What an append or replace would meet, said before the import button (once per file,
    choices and dataset version)."""
    if mode == "new":
        return
    found = cache.preflight(file_id, choices_key, current, cache.upload_digest(file_id, data), source,
                           choices)
    if mode == "append" and found.rows_already_stored:
        st.warning(t("upload.already_stored", count=fmt.count(found.rows_already_stored, lang()), name=md(current.name)))
    if mode == "append" and found.overlap_from is not None:
        st.warning(t("upload.overlap", start=found.overlap_from, end=found.overlap_to, name=md(current.name)))
    if found.same_file_in is not None:
        st.info(t("upload.same_file", name=md(found.same_file_in)))


def _import(mode, file_id, source, choices, report, kind, data, current) -> None:
    store = database.get_store()
    if kind == "customers":
        count = ingest.commit_customer_master(store, source, choices, report, current.dataset_id, actor=access.actor())
        st.success(t("upload.done_master", count=count, name=md(current.name), file=md(source.filename)))
        return
    bar = st.progress(0.0, text=t("upload.stage_writing"))
    outcome = ingest.commit(
        store, source, choices, report, mode=mode, dataset_id=None if mode == "new" else current.dataset_id,
        dataset_name=st.session_state.get("upload_name") or source.filename, digest=cache.upload_digest(file_id, data),
        progress=lambda stage, share: bar.progress(share, text=t(f"upload.stage_{stage}")), actor=access.actor(),
    )
    database.set_active_dataset(outcome.dataset_id)
    name = datasets_module.get_dataset(store, outcome.dataset_id).name
    message = t("upload.done", rows=fmt.count(outcome.rows_inserted, lang()), file=md(source.filename), name=md(name))
    message = fmt.sentences([
        message,
        report.rows_rejected and t("upload.left_out", rows=fmt.counted(report.rows_rejected, "rows", lang())),
        outcome.rows_skipped and t("upload.skipped", count=fmt.count(outcome.rows_skipped, lang())),
    ], lang())
    st.session_state["upload_done"] = message
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    st.rerun()


def upload_tab(current: datasets_module.Dataset) -> None:
    if message := st.session_state.pop("upload_done", None):
        st.success(message)
    if reason := access.blocked("upload"):
        st.info(reason)
        return
    # An external source is read where it lives: a file can only start a new dataset beside it.
    read_only = external.source_of(current)
    if read_only is not None:
        st.info(t("upload.source_read_only", name=md(current.name), backend=md(read_only.backend),
                  table=md(read_only.table)))
        kind = "transactions"
    else:
        kinds = {kind: t(f"upload.kind_{kind}") for kind in ("transactions", "customers")}
        kind = st.radio(t("upload.kind"), list(kinds), horizontal=True, key=translated_options("upload_kind"),
                        format_func=kinds.get)
    # A new uploader after each import: the imported file leaves, and with it its warnings and button.
    uploaded = st.file_uploader(t("upload.file"), type=["csv", "txt", "xlsx", "xls"], help=t("upload.help"),
                                key=f"upload_file_{st.session_state.get('upload_round', 0)}")
    if uploaded is None:
        return
    data = uploaded.getvalue()
    try:
        sheet, encoding, header_line = _reading_options(uploaded, data)
        with st.spinner(t("upload.reading")):
            source = cache.open_upload(uploaded.file_id, uploaded.name, sheet, encoding, header_line, data)
        if source.preview.empty:
            raise sources.UploadError("headers_only", uploaded.name)
    except Exception as error:  # noqa: BLE001 - every reader failure ends in a message, never a traceback
        st.error(fmt.sentences([_error_text(error), t("upload.nothing_changed")], lang()))
        return
    _describe(source)
    with st.expander(t("upload.preview"), expanded=True):
        tables.dataframe(source.preview, hide_index=True)

    st.subheader(t("upload.mapping"))
    st.caption(t("upload.mapping_help"))
    fields = mapping.ALL_FIELDS if kind == "transactions" else mapping.MASTER_FIELDS
    chosen = _mapping_widgets(source, fields)
    decimals, orders, undecided = _locale_widgets(source, chosen)
    prefix = ""
    if kind == "transactions" and chosen.get("order_id"):
        prefix = st.text_input(t("upload.cancel_prefix"), key="upload_cancel_prefix", help=t("upload.cancel_prefix_help"))
    if undecided:
        st.warning(t("upload.locale_undecided", fields=", ".join(t(f"field.{name}") for name in undecided)))
        return
    choices = validation.Choices(chosen, decimals, orders, prefix.strip())
    choices_key = (tuple(sorted(chosen.items())), tuple(sorted(decimals.items())), tuple(sorted(orders.items())), prefix)
    try:
        with st.spinner(t("upload.validating")):
            report = cache.check_upload(uploaded.file_id, (sheet, encoding, header_line), choices_key, kind, source, choices)
    except Exception as error:  # noqa: BLE001 - as above; nothing was written
        st.error(_error_text(error))
        return
    _report(report)

    mode = "new"
    if kind == "transactions":
        if read_only is None:
            modes = {choice: t(f"upload.mode_{choice}", name=md(current.name)) for choice in ingest.MODES}
            mode = st.radio(t("upload.destination"), list(modes), key=translated_options("upload_mode"),
                            horizontal=True, format_func=modes.get)
        if mode == "new":
            taken = {dataset.name for dataset in database.available_datasets()}
            st.text_input(t("upload.dataset_name"), value=_unused_name(uploaded.name.rsplit(".", 1)[0], taken),
                          key="upload_name")
        _preflight(mode, uploaded.file_id, choices_key, source, choices, current, data)
    else:
        st.info(t("upload.master_target", name=md(current.name)))
    # With rows set aside the button says so: what is imported is decided here, not found out after.
    label = (t("upload.import_valid", valid=fmt.counted(report.rows_accepted, "rows", lang()),
               rejected=fmt.count(report.rows_rejected, lang())) if report.rows_rejected and report.rows_accepted
             else t("upload.import"))
    if st.button(label, type="primary", key="upload_import"):
        try:
            _import(mode, uploaded.file_id, source, choices, report, kind, data, current)
        except (ingest.DuplicateUploadError, ingest.NothingToWriteError) as error:
            st.error(fmt.sentences([_error_text(error), t("upload.nothing_changed")], lang()))
        except Exception as error:  # noqa: BLE001 - the transaction rolled back; say so instead of a traceback
            st.error(_error_text(error))


def _counts(column: pd.Series) -> list[str]:
    return [fmt.count(value, lang()) for value in column]
def _allowed(write) -> bool:
    """Run one dataset write; a refusal (the role lacks the right: analytics checks too) is said, not raised."""
    try:
        write()
    except PermissionDenied as error:
        st.error(_error_text(error))
        return False
    return True


def _history(store, picked: int, names: dict) -> None:
    """The picked dataset's uploads: who loaded what and when; any one can be rolled back."""
    st.markdown(f"**{t('data.history')}**")
    history = datasets_module.upload_history(store, picked)
    tables.dataframe(pd.DataFrame({
        t("history.upload"): history["upload_id"], t("history.file"): history["file_name"],
        t("history.mode"): history["mode"].map(lambda m: t(f"history.mode_{m}")),
        t("history.rows"): _counts(history["rows_inserted"]), t("history.rejected"): _counts(history["rows_rejected"]),
        t("history.skipped"): _counts(history["rows_skipped"]), t("history.customers"): _counts(history["customers_merged"]),
        t("history.actor"): history["actor"], t("history.created"): history["created"],
        t("history.rolled_back"): history["rolled_back"].map(lambda when: fmt.missing(lang()) if pd.isna(when) else when),
    }), hide_index=True)
    active = history[history["rolled_back"].isna()]
    if active.empty:
        return
    labels = {row.upload_id: f"#{row.upload_id} · {row.file_name} · {row.created:%Y-%m-%d %H:%M}" for row in active.itertuples()}
    target = st.selectbox(t("data.rollback_pick"), list(labels), key=f"rollback_pick_{picked}_{max(labels)}", format_func=labels.get)
    reason = access.blocked("rollback")
    if st.button(t("data.rollback"), key="manage_rollback", disabled=reason is not None, help=reason):
        remaining = {}
        if not _allowed(lambda: remaining.setdefault("id", datasets_module.rollback_upload(
                store, int(target), actor=access.actor()))):
            return
        database.set_active_dataset(remaining["id"])
        st.session_state["datasets_message"] = t("data.rolled_back", upload=f"#{target}",
                                                 name=md(names[picked]))
        st.rerun()


def datasets_tab(current: datasets_module.Dataset) -> None:
    store = database.get_store()
    if message := st.session_state.pop("datasets_message", None):
        st.success(message)
    frame = datasets_module.datasets_frame(store)
    language = lang()
    shown_names = [fmt.dataset_name(name, is_demo, language) for name, is_demo in zip(frame["name"], frame["is_demo"])]
    tables.dataframe(pd.DataFrame({
        t("data.col_name"): shown_names, t("data.col_rows"): _counts(frame["rows"]),
        t("data.col_customers"): _counts(frame["customers"]), t("data.col_from"): frame["date_min"],
        t("data.col_to"): frame["date_max"], t("data.col_source"): frame["source_file"],
        t("data.col_created"): frame["created"], t("data.col_demo"): frame["is_demo"],
    }), hide_index=True)
    names = dict(zip(frame["dataset_id"], frame["name"]))
    ids = list(names)
    shown_by_id = dict(zip(ids, shown_names))
    picked = st.selectbox(t("data.pick"), ids, index=ids.index(current.dataset_id), format_func=shown_by_id.get,
                          key=f"manage_pick_{current.dataset_id}")  # follows the active dataset
    if picked != current.dataset_id and st.button(t("data.switch"), key="manage_switch"):
        database.set_active_dataset(picked)
        st.rerun()
    left, right = st.columns(2)
    with left:
        new_name = st.text_input(t("data.rename_label"), value=names[picked], key=f"rename_{picked}")
        reason = access.blocked("rename")
        if st.button(t("data.rename"), key="manage_rename", disabled=reason is not None, help=reason) and new_name.strip():
            if not _allowed(lambda: datasets_module.rename_dataset(store, picked, new_name, actor=access.actor())):
                return
            st.session_state["datasets_message"] = t("data.renamed", name=md(new_name.strip()))
            st.rerun()
    with right:
        shown = shown_by_id[picked]
        typed = st.text_input(t("data.delete_confirm", name=md(shown)), key=f"delete_{picked}")
        reason = access.blocked("delete_dataset")
        if st.button(t("data.delete"), key="manage_delete", disabled=reason is not None, help=reason):
            if typed.strip() not in {names[picked], shown}:  # the demo's name as shown, or as stored
                st.error(t("data.delete_mismatch"))
            elif _allowed(lambda: datasets_module.delete_dataset(store, picked, actor=access.actor())):
                database.set_active_dataset(None)
                st.session_state["datasets_message"] = t("data.deleted", name=md(shown))
                st.rerun()
    _history(store, picked, names)


def customers_tab(current: datasets_module.Dataset) -> None:
    """The per-customer features, searched, sorted and paged on the server: the browser gets one page."""
    features = cache.features(current)
    if not current.has_cost:
        st.info(t("data.no_cost"))
    labels = {column: t(f"field.{column}") for column in features.columns}
    days = {labels[column]: st.column_config.DateColumn(format="YYYY-MM-DD")  # a day, not its midnight
            for column in features.columns if pd.api.types.is_datetime64_any_dtype(features[column])}
    # Numbers grouped (40,214,909.37) and customer types in columns as wide as their widest text: the
    # browser sizes a column to the first page it gets and keeps that width, so larger numbers on a
    # later page or order were cut off on the left ("214,909.37"), and types in Chinese ("代理商、经").
    amounts = {labels[column]: st.column_config.NumberColumn(format="localized", step=0.01,  # two decimals on every row
                                                             width=_column_width([widest, labels[column]]))
               for column, widest in cache.widest_numbers(current).items()}
    types = {labels["customer_type"]: st.column_config.TextColumn(
        width=_column_width([t(key) for key in TABLE if key.startswith("ctype.")] + [labels["customer_type"]]))
    } if "customer_type" in labels else {}
    page, _ = tables.paged_table(
        features, "customer", labels, search_columns=cache.CUSTOMER_SEARCH_COLUMNS, search_label=t("data.search"),
        order=lambda query, sort, descending: cache.customer_order(current, query, sort, descending),
        prepare=_customer_types_in_words, column_config={**days, **amounts, **types},
    )
    st.caption(t("data.customers_shown", shown=fmt.count(page.matched, lang()), total=fmt.count(len(features), lang())))


def _unused_name(stem: str, taken: set[str]) -> str:
    """``stem``, or ``stem (2)``, ``stem (3)``... when a dataset has it: a file imported twice does
    not make two datasets of one name in the picker."""
    return stem if stem not in taken else next(f"{stem} ({n})" for n in itertools.count(2) if f"{stem} ({n})" not in taken)


def _customer_types_in_words(shown: pd.DataFrame) -> pd.DataFrame:
    """One page of customers with the customer type's code in words, as the value pages name it."""
    if "customer_type" in shown:
        shown["customer_type"] = shown["customer_type"].map(
            lambda code: code if pd.isna(code) else group_label(code, "customer_type", lang()))
    return shown


def _column_width(texts: list[str]) -> int:
    """Pixels a table column needs for the longest of ``texts`` (its cells' and its label): the
    browser sizes a column to the first page it draws and keeps that width (a Chinese character
    takes about two digits' room)."""
    room = max((sum(2 if ord(character) >= WIDE_CHARACTERS_FROM else 1 for character in text) for text in texts),
               default=0)
    return CELL_PADDING + CHARACTER_WIDTH * room


SECTIONS = {"upload": upload_tab, "datasets": datasets_tab, "customers": customers_tab}


def render() -> None:
    database.require_store()
    st.title(t("data.title"))
    current = database.active_dataset()
    # One section runs per visit (st.tabs would run all three, building the customer table on the Upload tab).
    section = settings.section_switch(t("data.section"), list(SECTIONS), option_labels("data.tab_"), "data_section")
    SECTIONS[section](current)
    page_end()


render()
