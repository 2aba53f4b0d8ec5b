// outlines.js holds the map's only boundaries: approximate outlines of
// Sichuan and Chongqing, drawn by hand for this project (no boundary
// dataset is bundled and no tile server is asked). Each is a simplified
// polygon of [lon, lat] vertices (WGS 84), traced from the seat coordinates
// of seeds/gazetteer/coordinates.tsv and a general knowledge of where the
// borders run (the Jinsha river in the west and south, the Qinghai, Gansu
// and Shaanxi borders in the north). Expect the lines to stray by about
// 0.3° (30 km): good for seeing which side of the border a place lies on,
// which map.test.js checks for every seat, not for measuring anything. The
// page labels them as approximate.
//
// The two share their common border: SHARED runs from the north (万源/城口)
// to the south (合江/江津); Sichuan takes it as is, Chongqing reversed.

const SHARED = [
  [108.55, 32.15], [108.40, 31.80], [108.20, 31.45], [108.05, 31.10], [107.55, 30.65], [107.15, 30.35],
  [106.75, 30.10], [106.25, 30.22], [105.95, 30.45], [105.62, 30.28], [105.58, 29.95], [105.45, 29.50],
  [105.55, 29.20], [105.80, 29.05], [106.15, 28.85],
];

const SICHUAN = [
  // north: Qinghai, Gansu, Shaanxi
  [97.40, 32.90], [97.80, 33.60], [98.40, 34.15], [99.30, 33.55], [100.20, 33.10], [100.60, 32.70],
  [101.10, 32.75], [101.40, 33.20], [101.80, 33.55], [102.30, 33.70], [102.80, 34.20], [103.30, 33.95],
  [103.80, 33.70], [104.30, 33.70], [104.45, 33.10], [104.85, 32.85], [105.40, 32.95], [105.90, 32.85],
  [106.45, 32.62], [107.00, 32.72], [107.50, 32.50], [108.20, 32.42],
  // east: Chongqing
  ...SHARED,
  // south: Guizhou, Yunnan (the Jinsha)
  // (north of 赤水 and 习水, then back east between them and 古蔺)
  [105.95, 28.74], [105.62, 28.62], [105.58, 28.40], [105.70, 28.30], [106.05, 28.22], [106.30, 28.00],
  [105.95, 27.75], [105.60, 27.75], [105.20, 27.95], [104.80, 28.05], [104.45, 27.95],
  // (up the west of 筠连 and 高县, along the Jinsha north of 水富 and 绥江, down between 雷波 and 永善)
  [104.45, 28.30], [104.47, 28.50], [104.48, 28.70], [104.20, 28.72], [103.95, 28.70], [103.68, 28.45],
  [103.60, 28.20], [103.35, 27.55], [103.00, 27.20],
  // (between 宁南 and 巧家)
  [102.86, 26.98], [102.85, 26.55], [102.40, 26.25], [102.00, 26.05], [101.70, 26.10], [101.40, 26.55], [101.10, 26.95],
  [100.90, 27.55], [100.65, 27.95], [100.15, 28.20], [99.70, 28.30], [99.40, 28.05],
  // west: Xizang (the Jinsha)
  [99.15, 28.50], [98.95, 29.30], [98.95, 30.00], [98.75, 30.80], [98.55, 31.40], [98.40, 31.85],
  [98.20, 32.30], [97.65, 32.65],
];

const CHONGQING = [
  ...SHARED.slice().reverse(),
  // north and east: Shaanxi, Hubei
  [108.85, 32.20], [109.25, 31.95], [109.65, 31.75], [110.15, 31.40], [110.15, 30.95], [109.70, 30.75],
  [108.75, 30.45], [108.50, 30.05], [108.95, 29.75], [109.25, 29.25],
  // south-east and south: Hunan, Guizhou
  [109.30, 28.60], [109.10, 28.25], [108.80, 28.35], [108.60, 28.75], [108.35, 28.85], [108.00, 28.85],
  [107.65, 29.05], [107.40, 28.85], [106.95, 28.75], [106.80, 28.45], [106.45, 28.75],
];

// OUTLINES are the provinces the map draws, with their GB/T 2260 codes and
// where their names go (away from the seats around 成都 that answers use).
export const OUTLINES = [
  { code: '510000', name: { zh: '四川', en: 'Sichuan' }, ring: SICHUAN, label: [100.6, 31.7] },
  { code: '500000', name: { zh: '重庆', en: 'Chongqing' }, ring: CHONGQING, label: [108.0, 29.9] },
];
