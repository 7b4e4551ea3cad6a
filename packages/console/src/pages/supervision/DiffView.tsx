import { diffModel } from '../../supervision-diff';
import type { PolicyDiff } from '../../supervision-types';

/** A policy diff as lists: rules added and removed with what they match, rules and fields changed. */
export function DiffView({ diff, headingLevel = 3 }: { diff: PolicyDiff; headingLevel?: 3 | 4 }) {
  const model = diffModel(diff);
  const Heading = headingLevel === 3 ? 'h3' : 'h4';
  return (
    <div className="policy-diff">
      <p className="diff-summary">{model.summary}</p>
      {model.sections.map((section) => (
        <div key={section.title}>
          <Heading>{section.title}</Heading>
          <ul className="diff-items">
            {section.items.map((item) => (
              <li key={item.heading}>
                <span className="diff-heading">{item.heading}</span>
                <ul>
                  {item.lines.map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </div>
      ))}
      {model.reordered && <p className="muted">The rules both versions have stand in another order: hits are reported in rule order.</p>}
    </div>
  );
}
