// Progress of a long run: done/total with a label, and a cancel button while running.
export interface ProgressBarProps {
  done: number;
  total: number;
  label?: string;
  onCancel?: () => void;
  testId?: string;
}

export function ProgressBar({ done, total, label, onCancel, testId = 'progress' }: ProgressBarProps) {
  const percent = total > 0 ? Math.round((100 * done) / total) : 0;
  return (
    <div className="toolbar" data-testid={testId} data-percent={percent}>
      <progress max={total || 1} value={done} />
      <span>{percent}%{label ? ` — ${label}` : ''}</span>
      {onCancel && <button onClick={onCancel} data-testid={`${testId}-cancel`}>Cancel</button>}
    </div>
  );
}
