// The inventory's incentive gradient: how many requirements need each access level, overall and per year of adoption,
// with the report's one-paragraph summary. Small recharts bars; the numbers are also in the bars' labels for print.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import { ACCESS_LEVELS, type IncentiveGradient } from '../../core/assurance/types';

const COLOURS: Record<string, string> = { 'black-box': '#5b6b8c', 'grey-box': '#9a8c5b', 'white-box': '#2f7d4f', 'outside-the-box': '#8c4f7d' };

export function IncentiveChart({ gradient }: { gradient: IncentiveGradient }) {
  const byAccess = ACCESS_LEVELS.map((a) => ({ access: a, requirements: gradient.byAccess[a], binding: gradient.binding[a] }));
  const byYear = gradient.byYear.map((y) => ({ year: String(y.year), ...y.counts }));
  return (
    <div className="card" data-testid="incentive-gradient">
      <h2>Incentive gradient of the inventory</h2>
      <p data-testid="incentive-summary">{gradient.summary}</p>
      <div className="grid2">
        <div>
          <h3>Requirements by least access needed</h3>
          <BarChart width={420} height={220} data={byAccess}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="access" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            <Bar dataKey="requirements" fill="#5b6b8c" label={{ position: 'top', fontSize: 10 }} isAnimationActive={false} />
            <Bar dataKey="binding" fill="#a04040" isAnimationActive={false} />
          </BarChart>
        </div>
        <div>
          <h3>By year of adoption</h3>
          <BarChart width={420} height={220} data={byYear}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="year" fontSize={11} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            {ACCESS_LEVELS.map((a) => <Bar key={a} dataKey={a} stackId="y" fill={COLOURS[a]} isAnimationActive={false} />)}
          </BarChart>
        </div>
      </div>
    </div>
  );
}
