// The run view's page: plain JavaScript over the server's JSON API (ui-server.ts).
// Routes: #/ the runs, #/run/<pipeline>/<run>[/<task>] a run and one of its tasks.
// Text from runs always goes in as text (textContent); the one HTML it inserts is
// Markdown rendered by marked and sanitised by DOMPurify. While a run is RUNNING the
// page asks again every second, so it follows the run without a reload.
'use strict';

const POLL_MS = 1000;
const LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];
let timer;
let routeToken = 0;

// ---- small DOM helpers ----
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) element.append(child instanceof Node ? child : String(child));
  return element;
}
const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children.flat()) if (child) element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return element;
}
function table(headers, rows, attributes = {}) {
  return el('table', attributes, el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))), el('tbody', {}, rows));
}
function stateBadge(state) {
  return el('span', { class: `state state-${state}` }, state);
}
function show(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
function duration(ms) {
  if (ms === undefined || ms === null) return '';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}
function runLink(pipeline, run, task) {
  return `#/run/${encodeURIComponent(pipeline)}/${encodeURIComponent(run)}${task ? `/${encodeURIComponent(task)}` : ''}`;
}
// A static report (static-report.ts) carries every answer with it, and no files: links to them are left out.
const REPORT = window.RUN_REPORT;
function fileUrl(pipeline, run, path) {
  return REPORT ? undefined : `api/file?${new URLSearchParams({ pipeline, run, path })}`;
}
function fromReport(path, query) {
  const answer = path === 'runs' ? REPORT.runs : path === 'run' ? REPORT.run : path === 'task' ? REPORT.tasks[query.task] : path === 'log' ? REPORT.logs[query.path] : undefined;
  if (answer === undefined) throw new Error(`this report does not hold ${path} ${JSON.stringify(query)}`);
  return answer;
}
async function api(path, query) {
  if (REPORT) return fromReport(path, query);
  const response = await fetch(`api/${path}?${new URLSearchParams(query)}`);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || `${response.status}`);
  return body;
}
function setLive(text) {
  document.getElementById('live').textContent = text;
}

// ---- routing ----
function route() {
  clearTimeout(timer);
  const token = ++routeToken;
  // a report opens on its run
  if (REPORT && !location.hash) {
    const only = REPORT.runs.runs[0];
    location.replace(runLink(only.pipelineName, only.runId));
    return;
  }
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const main = document.getElementById('main');
  if (parts[0] === 'compare' && parts[1]) {
    renderComparison(main, parts[1], token).catch((error) => token === routeToken && main.replaceChildren(el('h1', {}, 'Cannot compare'), el('p', { class: 'error' }, error.message)));
    return;
  }
  const render = parts[0] === 'run' && parts.length >= 3 ? () => renderRun(main, parts[1], parts[2], parts.slice(3).join('/') || undefined, token) : () => renderRuns(main, token);
  render().catch((error) => {
    if (token !== routeToken) return;
    main.replaceChildren(el('h1', {}, 'Cannot show this'), el('p', { class: 'error' }, error.message));
  });
}
window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', route);

// ---- the runs ----
async function renderRuns(main, token) {
  const { pipelines, runs } = await api('runs', {});
  if (token !== routeToken) return;
  const sections = pipelines.map((pipeline) => {
    const mine = runs.filter((run) => run.pipelineName === pipeline);
    const rows = mine.map((run) =>
      el(
        'tr',
        { 'data-run': run.runId },
        REPORT ? undefined : el('td', {}, el('input', { type: 'checkbox', class: 'pick', value: `${pipeline}/${run.runId}`, 'aria-label': `Compare run ${run.runId}` })),
        el('td', {}, el('a', { href: runLink(pipeline, run.runId) }, run.runId)),
        el('td', {}, stateBadge(run.state)),
        el('td', {}, when(run.startedAt)),
        el('td', {}, duration(run.durationMs)),
        el('td', {}, run.version ? el('code', {}, run.version) : ''),
        el('td', {}, el('code', {}, Object.entries(run.parameters).map(([name, value]) => `${name}=${show(value)}`).join('  '))),
        el('td', {}, `${run.tasks.total}`),
      ),
    );
    return el(
      'section',
      { 'aria-labelledby': `pipeline-${pipeline}` },
      el('h2', { id: `pipeline-${pipeline}` }, pipeline),
      mine.length ? table([...(REPORT ? [] : ['Compare']), 'Run', 'State', 'Started', 'Duration', 'Version', 'Parameters', 'Tasks'], rows, { class: 'runs' }) : el('p', { class: 'muted' }, 'No runs yet.'),
    );
  });
  const compare = el('button', { type: 'button', id: 'compare' }, 'Compare selected runs');
  compare.addEventListener('click', () => {
    const picked = [...main.querySelectorAll('input.pick:checked')].map((box) => box.value);
    if (picked.length >= 2) location.hash = `#/compare/${picked.map(encodeURIComponent).join(',')}`;
    else compare.nextSibling.textContent = 'Select two runs or more.';
  });
  main.replaceChildren(
    el('h1', {}, 'Runs'),
    ...(runs.length > 1 && !REPORT ? [el('div', { class: 'controls' }, compare, el('span', { class: 'muted', 'aria-live': 'polite' }))] : []),
    ...(sections.length ? sections : [el('p', {}, 'No runs under dist/runs yet: run a pipeline (nx run <pipeline>:run).')]),
  );
  const running = runs.some((run) => run.state === 'RUNNING');
  setLive(running ? 'following running runs…' : '');
  if (running) timer = setTimeout(() => token === routeToken && renderRuns(main, token).catch(() => undefined), POLL_MS * 2);
}

// ---- runs side by side ----
async function renderComparison(main, list, token) {
  const runs = list.split(',').map(decodeURIComponent);
  const { runs: compared, rows, classifications } = await api('compare', { runs: runs.join(',') });
  if (token !== routeToken) return;
  const header = ['Name', ...compared.map((run) => `${run.pipelineName} ${run.runId}`)];
  const body = rows.map((row) =>
    el(
      'tr',
      { class: row.differs ? 'differs' : undefined, 'data-row': row.name, 'data-differs': String(row.differs) },
      el('th', { scope: 'row' }, row.name, row.differs ? el('span', { class: 'differs-mark' }, ' (differs)') : ''),
      row.values.map((value) => el('td', {}, value === undefined ? el('span', { class: 'muted' }, '—') : el('code', {}, show(value)))),
    ),
  );
  const section = (kind, title) => {
    const mine = body.filter((_, i) => rows[i].kind === kind);
    return [el('h2', {}, title), mine.length ? table(header, mine, { class: `compare compare-${kind}` }) : el('p', { class: 'muted' }, 'None.')];
  };
  main.replaceChildren(
    el('h1', {}, `Compare ${compared.length} runs`),
    table(
      ['Run', 'State', 'Started', 'Duration', 'Version'],
      compared.map((run) => el('tr', {}, el('td', {}, el('a', { href: runLink(run.pipelineName, run.runId) }, `${run.pipelineName} ${run.runId}`)), el('td', {}, stateBadge(run.state)), el('td', {}, when(run.startedAt)), el('td', {}, duration(run.durationMs)), el('td', {}, run.version || ''))),
    ),
    ...section('parameter', 'Parameters'),
    ...section('metric', 'Metrics'),
    ...section('classification', 'Classification metrics'),
    ...classifications.map((entry) =>
      el(
        'section',
        { class: `compare-matrices${entry.differs ? ' differs' : ''}`, 'data-classification': entry.name, 'aria-label': `Confusion matrices of ${entry.name}` },
        el('h3', {}, entry.name, entry.differs ? el('span', { class: 'differs-mark' }, ' (differs)') : ''),
        el(
          'div',
          { class: 'side-by-side' },
          entry.values.map((summary, i) =>
            el(
              'figure',
              { 'data-run': compared[i].runId },
              el('figcaption', {}, `${compared[i].pipelineName} ${compared[i].runId}`, summary ? classificationFigures(summary) : ''),
              summary && summary.confusionMatrix ? confusionMatrixTable(summary.confusionMatrix, `${entry.name}, run ${compared[i].runId}`) : el('p', { class: 'muted' }, summary ? 'No confusion matrix.' : 'Not in this run.'),
            ),
          ),
        ),
      ),
    ),
  );
  setLive('');
}

function classificationFigures(summary) {
  const figures = [summary.accuracy !== undefined ? `accuracy ${summary.accuracy}` : '', summary.rocAuc !== undefined ? `ROC AUC ${summary.rocAuc}` : ''].filter(Boolean);
  return figures.length ? el('span', { class: 'muted' }, ` · ${figures.join(' · ')}`) : '';
}

// ---- a run ----
const view = { key: '', logFilter: { level: 'ALL', search: '' } };

async function renderRun(main, pipeline, run, task, token) {
  const { record, graph, graphError } = await api('run', { pipeline, run });
  if (token !== routeToken) return;
  const key = `${pipeline}/${run}/${task || ''}`;
  const fresh = view.key !== key;
  view.key = key;
  if (fresh) {
    main.replaceChildren(
      el('h1', {}, `${pipeline} · run ${run}`),
      el('div', { id: 'run-summary' }),
      el('div', { class: 'layout' }, el('section', { class: 'graph', id: 'graph', 'aria-label': 'Run graph' }), el('section', { class: 'panel', id: 'task-panel', 'aria-label': 'Task' })),
    );
  }
  document.getElementById('run-summary').replaceChildren(runSummary(record));
  const graphHost = document.getElementById('graph');
  graphHost.replaceChildren(graph ? drawGraph(graph, pipeline, run, task) : el('p', { class: 'error' }, graphError));
  const panel = document.getElementById('task-panel');
  if (task) {
    const taskRecord = record.tasks.find((candidate) => candidate.name === task);
    // the task's details are read again while it may still change
    if (fresh || panel.dataset.state !== (taskRecord && taskRecord.state)) {
      const details = await api('task', { pipeline, run, task });
      if (token !== routeToken) return;
      panel.replaceChildren(...(await taskPanel(details, pipeline, run)));
      panel.dataset.state = details.record.state;
    }
  } else if (fresh) {
    panel.replaceChildren(el('h2', {}, 'Tasks'), el('p', { class: 'muted' }, 'Choose a task in the graph (click, or Tab and Enter) to see its log, inputs, outputs and artifacts.'));
  }
  const running = record.state === 'RUNNING';
  setLive(running ? 'run in progress: following it…' : '');
  if (running || (task && record.tasks.some((candidate) => candidate.name === task && candidate.state === 'RUNNING'))) {
    timer = setTimeout(() => token === routeToken && renderRun(main, pipeline, run, task, token).catch(() => undefined), POLL_MS);
  }
}

function runSummary(record) {
  return table(
    ['State', 'Started', 'Duration', 'Version', 'Parameters'],
    [
      el(
        'tr',
        {},
        el('td', { id: 'run-state' }, stateBadge(record.state)),
        el('td', {}, when(record.startedAt)),
        el('td', {}, duration(record.durationMs)),
        el('td', {}, record.version ? el('code', {}, record.version) : ''),
        el('td', {}, el('code', {}, Object.entries(record.parameters || {}).map(([name, value]) => `${name}=${show(value)}`).join('  '))),
      ),
      ...(record.error ? [el('tr', {}, el('td', { colspan: 5, class: 'error' }, record.error))] : []),
    ],
  );
}

function drawGraph(graph, pipeline, run, selected) {
  const width = Math.ceil(graph.width) + 2;
  const height = Math.ceil(graph.height) + 2;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'group', 'aria-label': `Graph of ${graph.tasks.length} tasks` });
  root.append(
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#7b808a' }))),
  );
  for (const group of graph.groups) {
    const box = graph.boxes[group.id];
    if (!box) continue;
    const label = `${group.kind === 'loop' ? 'loop' : group.kind === 'exit-handler' ? 'exit handler' : 'condition'} ${group.name} · ${group.state}${group.detail ? ` · ${group.detail}` : ''}`;
    root.append(
      svg('g', { class: `group group-${group.kind}`, 'data-group': group.name, 'data-state': group.state }, svg('title', {}, group.error || label), svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height }), svg('text', { x: box.x + 8, y: box.y + 18 }, label.length > 60 ? `${label.slice(0, 57)}…` : label)),
    );
  }
  for (const edge of graph.edges) {
    const points = graph.paths[edge.id];
    if (!points) continue;
    root.append(svg('path', { class: 'edge', d: points.map((point, i) => `${i ? 'L' : 'M'} ${point.x} ${point.y}`).join(' '), 'marker-end': 'url(#arrow)' }));
  }
  for (const task of graph.tasks) {
    const box = graph.boxes[task.id];
    if (!box) continue;
    const iterations = task.iterations ? ` · ${task.iterations.names.length} iterations` : '';
    const facts = [task.state, duration(task.durationMs), task.attempts > 1 ? `${task.attempts} attempts` : '', task.cached ? 'cached' : ''].filter(Boolean).join(' · ') + iterations;
    // a loop's task opens its first iteration
    const target = task.iterations ? task.iterations.names[0] : task.name;
    const open = () => target && (location.hash = runLink(pipeline, run, target));
    const node = svg(
      'g',
      // its accessible name is its text (name, then the facts), as a sighted user reads it
      { class: `node state-${task.state}${selected && (selected === task.name || (task.iterations && task.iterations.names.includes(selected))) ? ' selected' : ''}`, tabindex: 0, role: 'link', 'data-task': task.name, 'data-state': task.state },
      svg('rect', { x: box.x, y: box.y, width: box.width, height: box.height }),
      svg('text', { x: box.x + 10, y: box.y + 22 }, task.name.length > 26 ? `${task.name.slice(0, 25)}…` : task.name),
      svg('text', { x: box.x + 10, y: box.y + 42, class: 'sub' }, facts),
    );
    node.addEventListener('click', open);
    node.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        open();
      }
    });
    root.append(node);
  }
  return root;
}

// ---- a task ----
async function taskPanel(details, pipeline, run) {
  const record = details.record;
  const facts = [
    ['State', stateBadge(record.state)],
    ['Component', details.componentName],
    ['Started', when(record.startedAt)],
    ['Duration', duration(record.durationMs)],
    ['Attempts', String(record.attempts)],
    ['Cached', record.cached ? 'yes' : 'no'],
    ['Exit code', record.exitCode === undefined ? '' : String(record.exitCode)],
    ['Cache key', record.cacheKey ? el('code', {}, record.cacheKey) : details.cacheEnabled ? '' : 'caching off'],
  ];
  const parts = [
    el('h2', { id: 'task-name' }, record.name),
    el('table', { class: 'facts' }, el('tbody', {}, facts.map(([name, value]) => el('tr', {}, el('th', { scope: 'row' }, name), el('td', {}, value))))),
  ];
  if (record.error) parts.push(el('h3', {}, 'Error'), el('pre', { class: 'error', id: 'task-error' }, record.error));
  if (record.warnings && record.warnings.length) parts.push(el('h3', {}, 'Warnings'), el('ul', {}, record.warnings.map((warning) => el('li', {}, warning))));
  parts.push(el('h3', {}, 'Inputs'));
  parts.push(
    details.inputs.length
      ? table(
          ['Input', 'Value', 'From'],
          details.inputs.map((input) =>
            el(
              'tr',
              {},
              el('td', {}, input.name),
              el('td', {}, input.kind === 'artifact' ? (input.path ? el('a', { href: fileUrl(pipeline, run, input.path) }, input.path) : '') : el('code', {}, show(input.value))),
              el('td', {}, input.task ? el('a', { href: runLink(pipeline, run, input.task) }, input.source) : input.source),
            ),
          ),
          { class: 'inputs' },
        )
      : el('p', { class: 'muted' }, 'None.'),
  );
  parts.push(el('h3', {}, 'Output parameters'));
  const outputs = Object.entries(details.outputParameters);
  parts.push(outputs.length ? table(['Output', 'Value'], outputs.map(([name, value]) => el('tr', {}, el('td', {}, name), el('td', {}, el('code', {}, show(value))))), { class: 'outputs' }) : el('p', { class: 'muted' }, 'None.'));
  if (details.artifacts.length) {
    parts.push(el('h3', {}, 'Artifacts'));
    for (const artifact of details.artifacts) parts.push(artifactSection(artifact, pipeline, run));
  }
  parts.push(el('h3', {}, 'Log'), await logSection(details, pipeline, run));
  // what ran (the runner records it, masked) where it did; else what the IR says, placeholders unresolved
  const ran = record.command && record.command.length;
  const commandNote = [details.image ? `image ${details.image}` : '', ran ? 'as it ran, placeholders resolved' : 'placeholders as the IR has them'].filter(Boolean).join('; ');
  parts.push(el('h3', {}, 'Command'), el('p', { class: 'muted' }, commandNote), el('pre', { id: 'task-command' }, (ran ? record.command : details.command).map((part) => JSON.stringify(part)).join(' ')));
  parts.push(...environmentSection(record.environment, details.env));
  return parts;
}

function variablesTable(variables, label) {
  return table(['Variable', 'Value'], variables.map(({ name, value }) => el('tr', { 'data-variable': name }, el('td', {}, el('code', {}, name)), el('td', {}, el('pre', {}, value === undefined ? '' : value)))), { class: 'env', 'aria-label': label });
}

// The settings environment the task ran with (run.json's, masked by the runner), else the IR's env.
function environmentSection(environment, irEnv) {
  if (!environment) return irEnv.length ? [el('h3', {}, 'Environment'), el('p', { class: 'muted' }, 'as the IR gives it'), variablesTable(irEnv, 'Environment from the IR')] : [];
  const parts = [el('h3', {}, 'Environment')];
  parts.push(el('p', { id: 'settings-env' }, 'Settings environment (ENV_FOR_DYNACONF): ', environment.settingsEnv ? el('code', {}, environment.settingsEnv) : el('span', { class: 'muted' }, 'none given')));
  if (environment.settings) {
    parts.push(el('h4', {}, 'Settings it resolved'), el('pre', { id: 'task-settings' }, JSON.stringify(environment.settings, null, 2)));
  }
  if (environment.settingsNote) parts.push(el('p', { class: 'muted', id: 'settings-note' }, `Settings: ${environment.settingsNote}`));
  parts.push(el('h4', {}, 'Variables the runner set'), variablesTable(environment.variables, 'Variables the task ran with'));
  return parts;
}

function confusionMatrixTable(matrix, label) {
  const { categories, rows } = matrix;
  const max = Math.max(1, ...rows.flat());
  return el(
    'table',
    { class: 'matrix', 'aria-label': `Confusion matrix${label ? ` of ${label}` : ''} (rows: actual, columns: predicted)` },
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'actual \\ predicted'), categories.map((category) => el('th', { scope: 'col' }, category)))),
    el(
      'tbody',
      {},
      rows.map((row, i) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row' }, categories[i]),
          row.map((count) => {
            const cell = el('td', {}, String(count));
            const strength = count / max;
            cell.style.background = `rgba(46, 111, 167, ${0.08 + 0.6 * strength})`;
            if (strength > 0.6) cell.style.color = '#fff';
            return cell;
          }),
        ),
      ),
    ),
  );
}

// A confusion matrix and an ROC curve, as kfp's ClassificationMetrics (or one slice of a SlicedClassificationMetrics) holds them.
function classificationParts(metrics, name) {
  const parts = [];
  if (metrics.confusionMatrix) parts.push(confusionMatrixTable(metrics.confusionMatrix));
  if (metrics.confidenceMetrics && metrics.confidenceMetrics.length) parts.push(rocChart(metrics.confidenceMetrics, name));
  if (metrics.confidenceMetrics) {
    parts.push(el('details', {}, el('summary', {}, `ROC points (${metrics.confidenceMetrics.length})`), table(['Threshold', 'Recall', 'False positive rate'], metrics.confidenceMetrics.map((point) => el('tr', {}, el('td', {}, show(point.confidenceThreshold)), el('td', {}, show(point.recall)), el('td', {}, show(point.falsePositiveRate)))))));
  }
  if (!parts.length) parts.push(el('p', { class: 'muted' }, 'No confusion matrix or ROC points.'));
  return parts;
}

// One slice at a time, picked from a list: a model sliced by region may have dozens.
function slicedClassification(preview, artifactName) {
  if (!preview.slices.length) return [el('p', { class: 'muted' }, 'No slices.')];
  const id = `slice-${artifactName}`;
  const picker = el('select', { id, class: 'slice-picker' }, preview.slices.map((slice, i) => el('option', { value: String(i) }, slice.slice)));
  const panel = el('div', { class: 'slice', 'aria-live': 'polite' });
  const draw = () => {
    const slice = preview.slices[Number(picker.value)];
    panel.dataset.slice = slice.slice;
    panel.replaceChildren(...classificationParts(slice, `${artifactName}, slice ${slice.slice}`));
  };
  picker.addEventListener('change', draw);
  draw();
  return [el('div', { class: 'controls' }, el('label', { for: id }, `Slice (${preview.slices.length})`), picker), panel];
}

function artifactSection(artifact, pipeline, run) {
  const heading = el('h4', {}, `${artifact.name} `, el('span', { class: 'muted' }, `(${artifact.type})`));
  const where = el('p', { class: 'muted' }, artifact.exists ? el('a', { href: fileUrl(pipeline, run, artifact.relativePath) }, artifact.relativePath) : artifact.relativePath, artifact.size !== undefined ? ` · ${artifact.size} bytes` : '');
  const preview = artifact.preview;
  const body = [];
  if (preview.kind === 'metrics') {
    body.push(table(['Metric', 'Value'], preview.metrics.map((metric) => el('tr', { 'data-metric': metric.name }, el('td', {}, metric.name), el('td', {}, show(metric.value)))), { class: 'metrics', 'aria-label': `Metrics of ${artifact.name}` }));
  } else if (preview.kind === 'classification-metrics') {
    body.push(...classificationParts(preview, artifact.name));
  } else if (preview.kind === 'sliced-classification-metrics') {
    body.push(...slicedClassification(preview, artifact.name));
  } else if (preview.kind === 'markdown') {
    const host = el('div', { class: 'markdown' });
    // sanitised: a report may carry any HTML a component chose to write
    host.innerHTML = window.DOMPurify.sanitize(window.marked.parse(preview.text));
    // its headings sit under the artifact's (h4): an h1 in a report must not outrank the page's own
    for (const heading of host.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
      const demoted = document.createElement(`h${Math.min(6, Number(heading.tagName[1]) + 4)}`);
      demoted.append(...heading.childNodes);
      heading.replaceWith(demoted);
    }
    body.push(host);
  } else if (preview.kind === 'html') {
    const source = REPORT ? { srcdoc: REPORT.html[artifact.relativePath] || '' } : { src: `${fileUrl(pipeline, run, artifact.relativePath)}&as=html` };
    body.push(el('iframe', { class: 'report', sandbox: '', title: `HTML artifact ${artifact.name}`, ...source }));
  } else if (preview.kind === 'table') {
    const facts = [preview.format === 'jsonl' ? 'JSON lines' : preview.format === 'csv' ? 'CSV' : 'Parquet', preview.rowCount !== undefined ? `${preview.rowCount} rows` : '', `${preview.columns.length} columns`];
    body.push(el('p', { class: 'dataset-facts' }, facts.filter(Boolean).join(' · ')));
    const headers = preview.columns.map((column, i) => (preview.columnTypes ? el('span', {}, column, el('br'), el('span', { class: 'column-type' }, preview.columnTypes[i])) : column));
    body.push(table(headers, preview.rows.map((row) => el('tr', {}, row.map((cell) => el('td', {}, cell === null ? el('span', { class: 'muted' }, 'null') : show(cell))))), { class: 'dataset', 'aria-label': `First rows of ${artifact.name}` }));
    if (preview.truncated) body.push(el('p', { class: 'muted' }, `First ${preview.rows.length} rows only.`));
  } else if (preview.kind === 'text') {
    body.push(el('pre', {}, preview.text));
  } else if (preview.kind === 'folder') {
    body.push(el('ul', {}, preview.files.map((file) => el('li', {}, el('a', { href: fileUrl(pipeline, run, `${artifact.relativePath}/${file.name}`) }, file.name), ` · ${file.size} bytes`))));
  } else if (preview.reason) {
    body.push(el('p', { class: 'muted' }, preview.reason));
  }
  const metadata = Object.entries(artifact.metadata).filter(() => !['metrics', 'classification-metrics', 'sliced-classification-metrics'].includes(preview.kind));
  if (metadata.length) body.push(el('details', {}, el('summary', {}, 'Metadata'), el('pre', {}, JSON.stringify(artifact.metadata, null, 2))));
  return el('section', { class: 'artifact', 'data-artifact': artifact.name, 'data-type': artifact.type }, heading, where, body);
}

// The ROC curve: recall against false positive rate, by uPlot, with the chance line for reference.
function rocChart(points, name) {
  const sorted = points
    .map((point) => [Number(point.falsePositiveRate), Number(point.recall)])
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const xs = [0, ...sorted.map(([x]) => x), 1];
  const ys = [0, ...sorted.map(([, y]) => y), 1];
  const host = el('div', { role: 'img', 'aria-label': `ROC curve of ${name}: ${sorted.length} points` });
  const figure = el('div', { class: 'roc' }, host, el('p', { class: 'muted' }, 'ROC: recall (true positive rate) against false positive rate'));
  new window.uPlot(
    {
      width: 360,
      height: 300,
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: [{ label: 'false positive rate' }, { label: 'recall' }],
      legend: { show: false },
      cursor: { show: false },
      series: [{}, { label: 'ROC', stroke: '#2e6fa7', width: 2, points: { show: true } }, { label: 'chance', stroke: '#9aa0a6', dash: [4, 4], points: { show: false } }],
    },
    [xs, ys, xs],
    host,
  );
  return figure;
}

async function logSection(details, pipeline, run) {
  const host = el('div', { class: 'log-host' });
  const log = await api('log', { pipeline, run, path: details.logs[0].path });
  // fields with one value on every structured line (the run's context: pipeline, run_id, task, ...) are said once
  const structured = log.records.filter((record) => record.structured);
  const common = structured.length < 2 ? [] : Object.keys(structured[0].extra).filter((name) => structured.every((record) => Object.hasOwn(record.extra, name) && JSON.stringify(record.extra[name]) === JSON.stringify(structured[0].extra[name])));
  const extraOf = (record) => Object.entries(record.extra).filter(([name]) => !common.includes(name));
  const levelSelect = el('select', { id: 'log-level' }, el('option', { value: 'ALL' }, 'all levels'), LEVELS.map((level) => el('option', { value: level }, `${level} and above`)));
  levelSelect.value = view.logFilter.level;
  const search = el('input', { id: 'log-search', type: 'search', placeholder: 'search the log', value: view.logFilter.search });
  const body = el('tbody');
  const count = el('span', { class: 'muted', id: 'log-count', 'aria-live': 'polite' });
  const fill = () => {
    view.logFilter = { level: levelSelect.value, search: search.value };
    const minimum = LEVELS.indexOf(levelSelect.value);
    const needle = search.value.toLowerCase();
    const shown = log.records.filter((record) => {
      if (minimum >= 0 && (record.level === undefined || LEVELS.indexOf(record.level) < minimum)) return false;
      if (!needle) return true;
      return `${record.time || ''} ${record.level || ''} ${record.message} ${JSON.stringify(record.extra)}`.toLowerCase().includes(needle);
    });
    body.replaceChildren(
      ...shown.map((record) =>
        el(
          'tr',
          { class: `level-${record.level || 'TEXT'}` },
          el('td', {}, record.time || ''),
          el('td', {}, record.level || ''),
          el('td', {}, record.structured ? record.message : el('code', {}, record.message)),
          el('td', { class: 'extra' }, extraOf(record).map(([name, value]) => `${name}=${show(value)}`).join('  ')),
        ),
      ),
    );
    count.textContent = `${shown.length} of ${log.records.length} lines`;
  };
  levelSelect.addEventListener('change', fill);
  search.addEventListener('input', fill);
  const others = details.logs.slice(1).map((entry) => el('a', { href: fileUrl(pipeline, run, entry.path) }, `attempt ${entry.attempt}`));
  host.append(
    el('div', { class: 'controls' }, el('label', { for: 'log-level' }, 'Level'), levelSelect, el('label', { for: 'log-search' }, 'Search'), search, count, others.length ? el('span', {}, 'earlier attempts: ', others) : ''),
    log.skippedBytes ? el('p', { class: 'muted' }, `The first ${log.skippedBytes} bytes are left out.`) : '',
    common.length ? el('p', { class: 'muted log-context' }, 'On every line: ', el('code', {}, common.map((name) => `${name}=${show(structured[0].extra[name])}`).join('  '))) : '',
    el('table', { class: 'log', 'aria-label': 'Task log' }, el('thead', {}, el('tr', {}, ['Time', 'Level', 'Message', 'Extra fields'].map((name) => el('th', { scope: 'col' }, name)))), body),
  );
  fill();
  return host;
}
