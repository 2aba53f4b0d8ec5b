// layout.js lays the graph out with fcose and times it. The layout is
// seeded: the same elements in the same order give the same picture, so a
// shared link reopens what its sender saw.

// mulberry32 is a small seeded random number generator.
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frames(n) {
  return new Promise((resolve) => {
    const step = () => (n-- <= 0 ? resolve() : requestAnimationFrame(step));
    requestAnimationFrame(step);
  });
}

// runLayout lays out every element of cy (filtered ones too, so filters
// never move nodes), fits the view and resolves, once the result has been
// drawn, with the milliseconds from the call. fixed pins nodes, e.g. the
// two sides of a connect question.
export async function runLayout(cy, { fixed = [], seed = 42 } = {}) {
  const t0 = performance.now();
  // Neither filters nor the selection may change where nodes go.
  const hidden = cy.elements('.filtered');
  hidden.removeClass('filtered');
  const selected = cy.elements(':selected');
  selected.unselect();
  const big = cy.nodes().length > 500;
  const options = {
    name: 'fcose', animate: false, randomize: true, quality: big ? 'draft' : 'default',
    nodeDimensionsIncludeLabels: !big, idealEdgeLength: () => 110, nodeRepulsion: () => 9000,
    nodeSeparation: 90, padding: 30, fit: true,
  };
  // Start from nothing: no position left from an earlier layout may count.
  cy.nodes().positions({ x: 0, y: 0 });
  const random = Math.random;
  Math.random = mulberry32(seed);
  try {
    const present = fixed.filter((f) => cy.getElementById(f.nodeId).nonempty());
    // Pins need both sides in one component; otherwise lay out freely.
    if (present.length === 2 && cy.getElementById(present[0].nodeId).component().has(cy.getElementById(present[1].nodeId))) {
      cy.layout({ ...options, fixedNodeConstraint: present }).run();
    } else {
      cy.layout(options).run();
    }
  } catch (err) {
    console.warn('fcose failed, using a grid', err);
    cy.layout({ name: 'grid', fit: true, padding: 30 }).run();
  } finally {
    Math.random = random;
    hidden.addClass('filtered');
    selected.select();
  }
  cy.fit(undefined, 30);
  await frames(2);
  return performance.now() - t0;
}
