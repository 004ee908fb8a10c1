// Tabular in the browser: a CSV written from the bundled pima data is loaded, the teachers are cross-validated,
// a small strategy sweep draws its charts, a distillation compares students, the share link reproduces the
// study in a fresh page, a bundled sample loads in one click with its documented columns, and bad files (one
// class, ragged rows) show their errors in the panel.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, keepOnly } from './fixtures';
import { isMonotone, recordProgress } from './progressRecorder';

const PIMA_HEADER = 'pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,pedigree,age,diabetic';

function writePima(path: string): void {
  const rows = readFileSync('public/samples/tabular/pima-indians-diabetes.csv', 'utf8').trim().split(/\r?\n/);
  writeFileSync(path, [PIMA_HEADER, ...rows].join('\n'));
}


const numbersIn = async (page: Page, testId: string): Promise<number[]> =>
  (await page.getByTestId(testId).locator('tbody td').allTextContents()).map(Number).filter((v) => Number.isFinite(v));

test('load a CSV, run teachers, sweep strategies with charts, distil, and reproduce the study from its link', async ({ wb, page, browser }, testInfo) => {
  const file = testInfo.outputPath('pima.csv');
  writePima(file);

  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await expect(page.getByTestId('dataset-needed')).toBeVisible();
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('dataset-name')).toContainText('768 rows × 9 columns');
  await expect(page.getByTestId('column-table').locator('tbody tr')).toHaveCount(9);
  await expect(page.getByTestId('target-select')).toHaveValue('diabetic');
  await expect(page.getByTestId('class-balance')).toContainText('500');
  await expect(page.getByTestId('class-balance')).toContainText('(minority)');

  // teacher tab: kNN and logistic regression, 2 folds
  await keepOnly(page, 'teacher-', ['knn', 'logreg']);
  await page.getByTestId('folds').fill('2');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('teacher-results')).toBeVisible({ timeout: 120_000 });
  for (const t of ['knn', 'logreg']) {
    const auc = Number(await page.getByTestId(`teacher-auc-${t}`).textContent());
    expect(auc).toBeGreaterThan(0.7);
    expect(auc).toBeLessThanOrEqual(1);
  }

  // study tab: 2 strategies × 2 sizes × 2 folds × 2 teachers
  await page.getByTestId('tab-study').click();
  await keepOnly(page, 'strategy-', ['uniform', 'balanced']);
  await page.getByTestId('context-sizes').fill('32, 64');
  await page.getByTestId('context-sizes').press('Enter');
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('tabular')?.contextSizes)).toEqual([32, 64]);
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('study-results')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('tabular-panel')).toHaveAttribute('data-state', 'ready');
  const chart = page.getByTestId('study-auc-chart');
  await expect(chart.locator('path.recharts-line-curve')).toHaveCount(2);
  expect(await chart.locator('.recharts-line-dots circle').count()).toBe(4);
  await expect(page.getByTestId('study-recall-chart').locator('path.recharts-line-curve')).toHaveCount(2);
  await expect(page.getByTestId('variance-chart').locator('.recharts-bar-rectangle')).not.toHaveCount(0);
  await expect(page.getByTestId('study-table').locator('tbody tr')).toHaveCount(8);
  const aucs = await numbersIn(page, 'study-table');
  expect(aucs.some((v) => v > 0.6 && v <= 1)).toBe(true);
  const csv = page.waitForEvent('download');
  await page.getByTestId('study-download').click();
  const csvFile = testInfo.outputPath('runs.csv');
  await (await csv).saveAs(csvFile);
  // header + 2 strategies × 2 sizes × 2 folds × 2 teachers
  expect(readFileSync(csvFile, 'utf8').trim().split('\n')).toHaveLength(17);
  const digest = (await page.getByTestId('result-digest').textContent())!.replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('tabular'));
  expect(link).toMatch(/^#\/tabular\?s=/);
  const linked = await page.evaluate((h) => window.__workbench!.decode(h), link);
  expect(linked?.digest).toBe(digest);
  expect(linked?.spec).toMatchObject({ view: 'study', dataset: { id: 'pima.csv' }, target: 'diabetic', strategies: ['uniform', 'balanced'], contextSizes: [32, 64], folds: 2 });

  // distill tab: logistic-regression student, out-of-fold labels from the kNN teacher
  await page.getByTestId('tab-distill').click();
  await keepOnly(page, 'teacher-', ['knn']);
  await keepOnly(page, 'student-', ['logreg']);
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('distill-results')).toBeVisible({ timeout: 120_000 });
  expect(Number(await page.getByTestId('student-auc-logreg').textContent())).toBeGreaterThan(0.7);
  await expect(page.getByTestId('collapse-chart').locator('.recharts-bar-rectangle')).not.toHaveCount(0);
  await expect(page.getByTestId('reliability-diagram').locator('.recharts-scatter-symbol').first()).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByTestId('export-onnx-logreg').click();
  expect((await download).suggestedFilename()).toBe('pima.csv-logreg-student.onnx');

  // the study link in a fresh page: it asks for the file, then re-runs by itself and matches
  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('dataset-needed')).toContainText('pima.csv');
  await fresh.getByTestId('dataset-file').setInputFiles(file);
  await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });
  await expect(fresh.getByTestId('result-digest')).toHaveText(`result digest ${digest}`);
  await fresh.close();
});

test('a bundled sample loads in one click, headerless with its documented columns, and its link asks for it again', async ({ wb, page, browser }) => {
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  // the hint names what the user can load here, not a file they do not have
  await expect(page.getByTestId('dataset-needed')).toContainText('load the sample german above');
  await page.getByTestId('sample-german').click();
  await expect(page.getByTestId('dataset-name')).toContainText('german.csv — 1000 rows × 21 columns (shared)');
  await expect(page.getByTestId('target-select')).toHaveValue('class');
  await expect(page.getByTestId('sensitive-select')).toHaveValue('age');
  await expect(page.getByTestId('column-table')).toContainText('checking_status');
  await expect(page.getByTestId('class-balance')).toContainText('700');
  await expect(page.getByTestId('class-balance')).toContainText('300');
  const link = await page.evaluate(() => window.__workbench!.shareLink('tabular'));
  expect((await page.evaluate((h) => window.__workbench!.decode(h), link))?.spec).toMatchObject({ dataset: { id: 'german.csv' } });

  // the link names the sample's file and hash; clicking the sample again gives the same bytes
  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await expect(fresh.getByTestId('dataset-needed')).toContainText('german.csv');
  await fresh.getByTestId('sample-german').click();
  await expect(fresh.getByTestId('dataset-name')).toContainText('1000 rows × 21 columns');
  await expect(fresh.getByTestId('dataset-name')).not.toContainText('not the file this link was made with');
  await fresh.close();
});

test('a long strategy sweep can be cancelled and the panel stays usable', async ({ wb, page }, testInfo) => {
  const file = testInfo.outputPath('pima.csv');
  writePima(file);
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('class-balance')).toBeVisible();
  await page.getByTestId('tab-study').click();
  await keepOnly(page, 'teacher-', ['knn', 'logreg']);
  // 7 strategies × 5 sizes × 10 folds × 2 teachers = 700 teacher calls: seconds of work, so Cancel lands mid-run
  await page.getByTestId('folds').fill('10');
  await page.getByTestId('context-sizes').fill('64, 128, 256, 512, 1024');
  await page.getByTestId('context-sizes').press('Enter');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('tabular-progress')).toBeVisible();
  await page.getByTestId('tabular-cancel').click();
  await expect(page.getByTestId('tabular-cancelled')).toBeVisible();
  await expect(page.getByTestId('tabular-panel')).toHaveAttribute('data-state', 'ready');
  await expect(page.getByTestId('study-results')).toHaveCount(0);
  await expect(page.getByTestId('tabular-run')).toBeEnabled();
});

test('bad tables show their errors in the panel', async ({ wb, page }, testInfo) => {
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');

  const oneClass = testInfo.outputPath('one-class.csv');
  writeFileSync(oneClass, 'a,b,label\n1,2,yes\n3,4,yes\n5,6,yes\n7,8,yes\n');
  await page.getByTestId('dataset-file').setInputFiles(oneClass);
  await expect(page.getByTestId('task-error')).toContainText('single class');
  await expect(page.getByTestId('tabular-run')).toBeDisabled();
  await expect(page.getByTestId('dataset-card')).toHaveAttribute('data-state', 'error');

  const ragged = testInfo.outputPath('ragged.csv');
  writeFileSync(ragged, 'a,b,label\n1,2,yes\n3,no\n');
  await page.getByTestId('dataset-file').setInputFiles(ragged);
  await expect(page.getByTestId('dataset-error')).toContainText('Ragged CSV');

  const regression = testInfo.outputPath('regression.csv');
  writeFileSync(regression, ['x,y', ...Array.from({ length: 150 }, (_, i) => `${i},${i * 1.5}`)].join('\n'));
  await page.getByTestId('dataset-file').setInputFiles(regression);
  await expect(page.getByTestId('task-error')).toContainText('regression');
});

test('the embedded tfm teacher runs in the browser worker through onnxruntime-web', async ({ wb, page }, testInfo) => {
  const file = testInfo.outputPath('pima.csv');
  writePima(file);
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('dataset-name')).toContainText('768 rows');
  await keepOnly(page, 'teacher-', ['tfm']);
  await page.getByTestId('folds').fill('2');
  const percents = await recordProgress(page, 'tabular-progress');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('teacher-results')).toBeVisible({ timeout: 170_000 });
  // the bar moves with the TFM's ONNX runs inside each fold (it sat at 0 % — starting for a whole fold) and never goes back
  const seen = await percents();
  expect(isMonotone(seen), seen.join(' → ')).toBe(true);
  expect(seen.filter((v) => v > 0 && v < 100).length, seen.join(' → ')).toBeGreaterThan(3);
  const auc = Number(await page.getByTestId('teacher-auc-tfm').textContent());
  expect(auc).toBeGreaterThan(0.75);
  expect(auc).toBeLessThanOrEqual(1);
  // auto: the TFM session ran on WASM, not on the SwiftShader fallback adapter (101 s per fold there), and the
  // status bar says so
  await expect(page.getByTestId('active-backend')).toHaveText('wasm');
  await expect(page.getByTestId('backend-reason')).toContainText('tabular tfm/onnx/model.onnx: WASM (auto): WebGPU skipped — fallback adapter');
  console.log(`tfm per-fold predict: ${await page.getByTestId('teacher-ms-tfm').textContent()} ms`);
});

test('a user-supplied ONNX TFM with its JSON contract becomes a teacher; a wrong contract names the real inputs', async ({ wb, page }, testInfo) => {
  const file = testInfo.outputPath('pima.csv');
  writePima(file);
  const good = testInfo.outputPath('contract.json');
  writeFileSync(good, JSON.stringify({ format: 'workbench-tfm-contract', version: 1, name: 'my-tfm', categoricalEncoding: 'codes' }));
  const bad = testInfo.outputPath('bad-contract.json');
  writeFileSync(bad, JSON.stringify({ format: 'workbench-tfm-contract', version: 1, name: 'bad', inputs: { xContext: 'ctx' } }));

  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('dataset-name')).toContainText('768 rows');
  await page.getByTestId('user-tfm-onnx').setInputFiles('models/tfm/onnx/model.onnx');
  // the format is recognised from the .onnx alone (x_context, y_context, x_query: the workbench contract's defaults)
  await expect(page.getByTestId('user-tfm-message')).toContainText('Teacher "user-tfm" (model.onnx) is ready');
  // without a contract the workbench contract's default categorical input: one-hot columns, as before the field
  await expect(page.getByTestId('user-tfm-categorical')).toHaveAttribute('data-encoding', 'onehot');
  await page.getByTestId('user-tfm-contract').setInputFiles(bad);
  await expect(page.getByTestId('user-tfm-message')).toContainText('no input "ctx" (its inputs: x_context, y_context, x_query)');
  await page.getByTestId('user-tfm-contract').setInputFiles(good);
  await expect(page.getByTestId('user-tfm-message')).toContainText('Teacher "my-tfm"');
  await expect(page.getByTestId('user-tfm-categorical')).toHaveText('workbench-tfm-contract: categoricals as one column of integer codes each');
  await keepOnly(page, 'teacher-', ['user']);
  await page.getByTestId('folds').fill('2');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('teacher-results')).toBeVisible({ timeout: 170_000 });
  expect(await page.evaluate(() => window.__workbench!.spec('tabular')?.userTeacher)).toMatchObject({ name: 'my-tfm' });
  const auc = Number(await page.getByTestId('teacher-auc-my-tfm').textContent());
  expect(auc).toBeGreaterThan(0.75);
});

test('a headerless CSV keeps its first row: no header detected, the row count right, the last column as target', async ({ wb, page }, testInfo) => {
  // UCI-style: numbers only, label last; 300 rows of which 100 are class 1, one NaN in the first column
  const file = testInfo.outputPath('uci-headerless.csv');
  writeFileSync(file, Array.from({ length: 300 }, (_, i) => `${i === 5 ? 'NaN' : i % 13},${80 + (i * 7) % 120},${(20 + (i % 30) + 0.5).toFixed(1)},${i % 3 === 0 ? 1 : 0}`).join('\n'));
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('dataset-file').setInputFiles(file);
  await expect(page.getByTestId('dataset-name')).toContainText('300 rows × 4 columns');
  await expect(page.getByTestId('header-detected')).toHaveAttribute('data-present', 'false');
  await expect(page.getByTestId('target-select')).toHaveValue('x3');
  await expect(page.getByTestId('class-balance')).toContainText('100');
  // the NaN is a counted missing value in a numeric column, not a reason to make it categorical
  await expect(page.getByTestId('column-table').locator('tbody tr').first()).toContainText('numeric');
  await expect(page.getByTestId('dataset-warnings')).toContainText('1 missing cell in 1 column');

  // the target by position travels in the link; forcing a header loses the first row to names, and says so
  await page.getByTestId('target-select').selectOption({ label: 'last column (x3)' });
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('tabular')?.target)).toBe(-1);
  await page.getByTestId('header-mode').selectOption('true');
  await expect(page.getByTestId('dataset-name')).toContainText('299 rows × 4 columns');
  await expect(page.getByTestId('header-detected')).toHaveAttribute('data-present', 'true');
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('tabular')?.header)).toBe(true);
  await expect(page.getByTestId('class-balance')).toBeVisible();
});

test('the tuned GBDT baseline is a teacher choice, with minority recall at argmax and at the tuned cut-off; the criterion travels in the link', async ({ wb, page }) => {
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('sample-breast-cancer-wisconsin').click();
  await expect(page.getByTestId('class-balance')).toBeVisible();
  await keepOnly(page, 'teacher-', ['logreg', 'tuned-gbdt', 'tfm']);
  await page.getByTestId('folds').fill('2');
  await expect(page.getByTestId('cutoff-hint')).toContainText('TFM');
  await page.getByTestId('cutoff-criterion').selectOption('f1');
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('tabular'))).toMatchObject({ teachers: ['tfm', 'logreg', 'tuned-gbdt'], cutoff: { criterion: 'f1', onnxTeachers: false } });
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('teacher-results')).toBeVisible({ timeout: 170_000 });
  await expect(page.getByTestId('teacher-table')).toContainText('at tuned cut-off (F1)');
  const auc = Number(await page.getByTestId('teacher-auc-tuned-gbdt').textContent());
  expect(auc).toBeGreaterThan(0.95);
  expect(auc).toBeLessThanOrEqual(1);
  for (const t of ['tuned-gbdt', 'logreg']) {
    const recall = Number(await page.getByTestId(`teacher-recall-tuned-${t}`).textContent());
    expect(recall).toBeGreaterThan(0.8);
    expect(recall).toBeLessThanOrEqual(1);
    expect(Number(await page.getByTestId(`teacher-bacc-tuned-${t}`).textContent())).toBeGreaterThan(0.8);
    expect(Number(await page.getByTestId(`teacher-recall-argmax-${t}`).textContent())).toBeGreaterThan(0.8);
  }
  // the TFM's cut-off is opt-in: it says why it is missing
  await expect(page.getByTestId('teacher-cutoff-skipped-tfm')).toHaveText('not tuned');
  await expect(page.getByTestId('cutoff-skipped')).toContainText('tfm: not tuned for ONNX TFMs unless asked');
  const link = await page.evaluate(() => window.__workbench!.shareLink('tabular'));
  expect((await page.evaluate((h) => window.__workbench!.decode(h), link))?.spec).toMatchObject({ teachers: ['tfm', 'logreg', 'tuned-gbdt'], cutoff: { criterion: 'f1' } });
});

test('the protocol tab runs the seed studies\' protocol on one dataset; its link carries the settings and reproduces', async ({ wb, page, browser }) => {
  await wb.open('#/tabular');
  await wb.waitReady('module-tabular');
  await page.getByTestId('sample-pima').click();
  await expect(page.getByTestId('class-balance')).toBeVisible();
  await keepOnly(page, 'teacher-', ['knn', 'logreg']);
  await page.getByTestId('folds').fill('3');
  await page.getByTestId('tab-protocol').click();
  await page.getByTestId('protocol-baseline').selectOption('plain');
  await page.getByTestId('protocol-folds-run').fill('1');
  await page.getByTestId('protocol-label-folds').fill('2');
  await page.getByTestId('protocol-study').uncheck();
  await expect.poll(() => page.evaluate(() => window.__workbench!.spec('tabular'))).toMatchObject({
    view: 'protocol', teachers: ['knn', 'logreg'], folds: 3, protocol: { baseline: 'plain', foldsRun: 1, labelFolds: 2, study: false },
  });
  await expect(page.getByTestId('tabular-run')).toHaveText('Run protocol');
  await page.getByTestId('tabular-run').click();
  await expect(page.getByTestId('protocol-results')).toBeVisible({ timeout: 120_000 });
  for (const t of ['knn', 'logreg']) {
    const cells = await page.getByTestId(`protocol-row-${t}`).locator('td').allTextContents();
    const [teacherAuc, studentAuc] = [Number(cells[1]), Number(cells[2])];
    expect(teacherAuc).toBeGreaterThan(0.7);
    expect(studentAuc).toBeGreaterThan(0.7);
    expect(cells[3]).toMatch(/^\d+\.\d %$/);
  }
  // pima is audited by its age band (≤ 30 / > 30), as in the bench
  await expect(page.getByTestId('protocol-table')).toContainText('AUC gap teacher → student');
  await expect(page.getByTestId('protocol-results')).toContainText('age band');
  await expect(page.getByTestId('protocol-q')).toContainText("Yule's Q");
  const digest = (await page.getByTestId('result-digest').textContent())!.replace('result digest ', '');
  const link = await page.evaluate(() => window.__workbench!.shareLink('tabular'));
  expect((await page.evaluate((h) => window.__workbench!.decode(h), link))?.spec).toMatchObject({ view: 'protocol', protocol: { baseline: 'plain', foldsRun: 1, labelFolds: 2, study: false } });

  const fresh = await browser.newPage();
  await fresh.goto(`/${link}`);
  await fresh.getByTestId('sample-pima').click();
  await expect(fresh.getByTestId('reproduction')).toHaveText(/Reproduced/, { timeout: 120_000 });
  await expect(fresh.getByTestId('result-digest')).toHaveText(`result digest ${digest}`);
  await fresh.close();
});
