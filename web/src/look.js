// look.js is how the graph looks: colour and shape by kind, border by stage,
// line colour by relation, dashes for inferred edges. The legend is drawn
// from the same tables, so the two cannot disagree.

export const KIND_LOOK = {
  INITIATIVE: { color: '#f4a259', shape: 'round-rectangle' },
  PLACE: { color: '#5b8fd9', shape: 'ellipse' },
  BODY: { color: '#3aa68f', shape: 'diamond' },
  PROGRAMME: { color: '#9b6fd0', shape: 'hexagon' },
  TARGET: { color: '#e0648c', shape: 'star' },
  DOCUMENT: { color: '#9a9a9a', shape: 'rectangle' },
};

export const STAGE_COLOR = {
  PROPOSED: '#c7c7c7',
  BIDDING: '#e9c46a',
  PLANNING: '#7cb6ff',
  STARTING: '#8ac926',
  UNDER_CONSTRUCTION: '#d62828',
  ONGOING: '#2a9d50',
  COMPLETED: '#1d3557',
};

export const RELATION_COLOR = {
  LOCATED_IN: '#6c8ebf', CONNECTS: '#2f6fd0', PART_OF: '#a0a0a0', UNDER_PROGRAMME: '#9b6fd0',
  LEADS: '#2a9d8f', CO_BUILDS: '#52b69a', COORDINATES: '#76c893', HAS_TARGET: '#e0648c',
  COOPERATES_WITH: '#b5838d', ISSUED_BY: '#888888', ABOUT: '#888888', OWNS: '#2a9d8f',
};

export function stylesheet() {
  const s = [
    { selector: 'node', style: {
      label: 'data(label)', 'font-size': 11, 'text-wrap': 'wrap', 'text-max-width': 110,
      'text-valign': 'bottom', 'text-margin-y': 4, color: '#222',
      'font-family': '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif',
      'text-background-color': '#ffffff', 'text-background-opacity': 0.75, 'text-background-padding': 1,
      width: 26, height: 26, 'border-width': 1, 'border-color': '#555',
    } },
    { selector: 'node[level = "REGION"]', style: { 'border-style': 'dashed', 'background-opacity': 0.55 } },
    { selector: 'node[?endpoint]', style: { width: 42, height: 42, 'border-width': 3, 'border-color': '#111', 'font-size': 14, 'font-weight': 'bold' } },
    { selector: 'node[kind = "INITIATIVE"]', style: { width: 34, height: 22, 'border-width': 4 } },
    // The boxes of the changes mode, one per kind of change.
    { selector: 'node[kind = "CHANGE"]', style: {
      shape: 'round-rectangle', 'background-color': '#f3f5f8', 'background-opacity': 0.6, 'border-color': '#9aa5b1',
      'border-style': 'dashed', 'text-valign': 'top', 'text-halign': 'center', 'font-size': 13, 'font-weight': 'bold',
      padding: 14,
    } },
    { selector: 'edge', style: {
      width: 1.6, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
      label: 'data(label)', 'font-size': 9, color: '#444', 'text-rotation': 'autorotate',
      'text-background-color': '#ffffff', 'text-background-opacity': 0.8, 'text-background-padding': 1,
    } },
    { selector: 'edge[?inferred]', style: { 'line-style': 'dashed' } },
    { selector: 'edge[?derived]', style: { 'line-style': 'dotted' } },
    { selector: '.filtered', style: { display: 'none' } },
    { selector: 'node:selected', style: { 'overlay-color': '#ffbf00', 'overlay-opacity': 0.35, 'overlay-padding': 6 } },
    { selector: 'edge:selected', style: { width: 3 } },
    { selector: '.faded', style: { opacity: 0.25 } },
  ];
  for (const [k, v] of Object.entries(KIND_LOOK)) {
    s.splice(1, 0, { selector: `node[kind = "${k}"]`, style: { 'background-color': v.color, shape: v.shape } });
  }
  for (const [st, c] of Object.entries(STAGE_COLOR)) {
    s.push({ selector: `node[stage = "${st}"]`, style: { 'border-color': c } });
  }
  for (const [r, c] of Object.entries(RELATION_COLOR)) {
    s.push({ selector: `edge[relation = "${r}"]`, style: { 'line-color': c, 'target-arrow-color': c } });
  }
  // Selection and filters come last so they win over the tables above.
  s.push(...s.filter((x) => x.selector === 'node:selected' || x.selector === '.filtered'));
  return s;
}

const SHAPE_SVG = {
  'round-rectangle': '<rect x="2" y="5" width="16" height="10" rx="3"/>',
  ellipse: '<circle cx="10" cy="10" r="7"/>',
  diamond: '<polygon points="10,2 18,10 10,18 2,10"/>',
  hexagon: '<polygon points="5,3 15,3 19,10 15,17 5,17 1,10"/>',
  star: '<polygon points="10,1 12.4,7 19,7.3 13.8,11.4 15.6,18 10,14.2 4.4,18 6.2,11.4 1,7.3 7.6,7"/>',
  rectangle: '<rect x="3" y="3" width="14" height="14"/>',
};

// kindSwatch is a small SVG of the node shape for the legend.
export function kindSwatch(kind) {
  const v = KIND_LOOK[kind];
  return `<svg width="20" height="20" viewBox="0 0 20 20" aria-hidden="true"><g fill="${v.color}" stroke="#555">${SHAPE_SVG[v.shape]}</g></svg>`;
}
