// graphql-inspector's completion handler for `.ci/run`: the schema check passes
// when every breaking change against docs/schema-released.graphql is announced
// in CHANGELOG.md, under "## Unreleased" then "### Breaking", by its path in
// backticks (for example `Query.projects`). SCHEMA_CHANGELOG names another
// changelog, for the check's own self-test.
const fs = require('fs');
const path = require('path');

function section(text, heading, level) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && l.startsWith('#') && l.match(/^#+/)[0].length <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

module.exports = function announced({ breakingChanges, dangerousChanges, nonBreakingChanges }) {
  const file = process.env.SCHEMA_CHANGELOG || path.join(__dirname, '..', '..', 'CHANGELOG.md');
  const changelog = fs.readFileSync(file, 'utf8');
  const breaking = section(section(changelog, '## Unreleased', 2), '### Breaking', 3);
  const missing = breakingChanges.filter((c) => !breaking.includes('`' + c.path + '`'));
  for (const c of breakingChanges) {
    console.log(`${missing.includes(c) ? 'unannounced' : 'announced'}: ${c.message} (${c.path})`);
  }
  console.log(
    `schema check: ${breakingChanges.length} breaking, ${dangerousChanges.length} dangerous, ` +
      `${nonBreakingChanges.length} safe changes since the last release`,
  );
  if (missing.length) {
    console.error(
      `${missing.length} breaking change(s) not announced in CHANGELOG.md under "## Unreleased" / "### Breaking"; ` +
        `name each path in backticks, e.g. \`${missing[0].path}\``,
    );
    process.exit(1);
  }
};
