/** Finding a procedure by everyday words typed without accents, or by field; when nothing matches, the fields and staff. */
import { useMemo } from 'preact/hooks';
import type { ProcedureInfo } from '../../shared/api.ts';
import { lang, loc, t } from '../../shared/i18n.ts';
import { Keyboard } from '../keyboard.tsx';
import { examplesOf, fieldsOf, fold, indexProcedures, searchProcedures } from '../search.ts';
import { data, go, ui } from '../state.ts';

type Field = ReturnType<typeof fieldsOf>[number];

export function Search() {
  const procedures = data.procedures.value;
  const index = useMemo(() => indexProcedures(procedures), [procedures]);
  const fields = useMemo(() => fieldsOf(procedures), [procedures]);
  const query = ui.query.value;
  const field = fields.find((f) => f.key === ui.field.value) ?? null;
  const results = searchProcedures(index, query).filter((p) => !field || fold(p.field.vi) === field.key);
  return (
    <section class="screen screen-search" data-screen="search">
      <h2>{t('kiosk.searchTitle')}</h2>
      <input
        class="search-input"
        type="search"
        aria-label={t('kiosk.searchTitle')}
        placeholder={t('kiosk.searchPlaceholder')}
        value={query}
        onInput={(e) => {
          ui.query.value = e.currentTarget.value;
        }}
      />
      <fieldset class="fields" aria-label={t('kiosk.byField')}>
        <button
          type="button"
          class={`chip ${field === null ? 'chip-on' : ''}`}
          aria-pressed={field === null}
          onClick={() => (ui.field.value = null)}
        >
          {t('kiosk.allFields')}
        </button>
        {fields.map((f) => (
          <button
            type="button"
            key={f.key}
            data-field={f.key}
            class={`chip ${field?.key === f.key ? 'chip-on' : ''}`}
            aria-pressed={field?.key === f.key}
            onClick={() => (ui.field.value = f.key)}
          >
            {loc(f.name)}
          </button>
        ))}
      </fieldset>
      <div class="search-status" aria-live="polite">
        <p class="result-count">{t('kiosk.searchCount', { n: results.length })}</p>
        {field && fold(query) && (
          <p class="search-scope" data-search-scope={field.key}>
            {t('kiosk.searchInField', { field: loc(field.name) })}{' '}
            <button type="button" class="chip" data-action="widen" onClick={() => (ui.field.value = null)}>
              {t('kiosk.searchWiden')}
            </button>
          </p>
        )}
      </div>
      {results.length === 0 ? (
        <NoMatch fields={fields} procedures={procedures} />
      ) : (
        <ul class="results">
          {results.slice(0, 30).map((p) => (
            <li key={p.id}>
              <button
                type="button"
                class="result"
                data-procedure={p.id}
                onClick={() => {
                  ui.procedureId.value = p.id;
                  go('procedure');
                }}
              >
                <span class="result-name">{loc(p.name)}</span>
                <span class="result-field">{loc(p.field)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <Keyboard value={query} onChange={(v) => (ui.query.value = v)} />
    </section>
  );
}

/** Nothing found: every field with examples of what it holds, and taking a ticket to ask the staff. */
function NoMatch({ fields, procedures }: { fields: Field[]; procedures: ProcedureInfo[] }) {
  return (
    <div class="results no-match" data-no-match>
      <p class="empty">{t('kiosk.searchNone')}</p>
      {fields.map((f) => (
        <button
          type="button"
          class="result"
          key={f.key}
          data-field-offer={f.key}
          onClick={() => {
            ui.query.value = '';
            ui.field.value = f.key;
          }}
        >
          <span class="result-name">{loc(f.name)}</span>
          <span class="result-field">
            {examplesOf(
              procedures.filter((p) => fold(p.field.vi) === f.key),
              lang.value,
            )}
          </span>
        </button>
      ))}
      <button
        type="button"
        class="btn btn-secondary btn-large"
        data-action="ask-staff"
        onClick={() => go('services')}
      >
        {t('kiosk.askStaff')}
      </button>
    </div>
  );
}
