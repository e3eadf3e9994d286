/** Finding a procedure by words typed without accents, or by field. */
import { useMemo } from 'preact/hooks';
import { loc, t } from '../../shared/i18n.ts';
import { Keyboard } from '../keyboard.tsx';
import { fieldsOf, fold, indexProcedures, searchProcedures } from '../search.ts';
import { data, go, ui } from '../state.ts';

export function Search() {
  const index = useMemo(() => indexProcedures(data.procedures.value), [data.procedures.value]);
  const fields = useMemo(() => fieldsOf(data.procedures.value), [data.procedures.value]);
  const query = ui.query.value;
  const field = ui.field.value;
  const results = searchProcedures(index, query).filter((p) => !field || fold(p.field.vi) === field);
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
          onClick={() => (ui.field.value = null)}
        >
          {t('kiosk.allFields')}
        </button>
        {fields.map((f) => (
          <button
            type="button"
            key={f.key}
            data-field={f.key}
            class={`chip ${field === f.key ? 'chip-on' : ''}`}
            onClick={() => (ui.field.value = f.key)}
          >
            {loc(f.name)}
          </button>
        ))}
      </fieldset>
      <p class="result-count" aria-live="polite">
        {t('kiosk.searchCount', { n: results.length })}
      </p>
      <ul class="results">
        {results.length === 0 && <li class="empty">{t('kiosk.searchNone')}</li>}
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
      <Keyboard value={query} onChange={(v) => (ui.query.value = v)} />
    </section>
  );
}
