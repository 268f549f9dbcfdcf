/** A CVRPLIB / TSPLIB CVRP instance as read from a `.vrp` file (EUC_2D only). */
export interface VrpFile {
  name: string;
  dimension: number;
  capacity: number;
  /** DISTANCE: maximum route length (service times included), if given. */
  distanceLimit?: number;
  /** SERVICE_TIME: per customer, if given. */
  serviceTime?: number;
  /** Node coordinates in file order (node id i is index i - 1). */
  coords: { x: number; y: number }[];
  demands: number[];
  /** Index (0-based) of the depot node. */
  depot: number;
}

export class VrpParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'VrpParseError';
  }
}

type Section = 'none' | 'coords' | 'demands' | 'depots';

export function parseVrp(text: string): VrpFile {
  const header = new Map<string, { value: string; line: number }>();
  const lines = text.split(/\r?\n/);
  let section: Section = 'none';
  let coords: ({ x: number; y: number } | undefined)[] = [];
  let demands: (number | undefined)[] = [];
  const depots: number[] = [];
  let dimension = 0;
  let sawEof = false;
  const num = (tok: string | undefined, line: number, what: string): number => {
    const v = Number(tok);
    if (tok === undefined || tok === '' || !Number.isFinite(v)) throw new VrpParseError(line, `${what}: expected a number, got "${tok ?? ''}"`);
    return v;
  };
  const nodeId = (tok: string | undefined, line: number): number => {
    const id = num(tok, line, 'node id');
    if (!Number.isInteger(id) || id < 1 || id > dimension) throw new VrpParseError(line, `node id ${tok} outside 1..${dimension}`);
    return id;
  };
  for (let i = 0; i < lines.length && !sawEof; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.trim();
    if (!raw) continue;
    const upper = raw.toUpperCase();
    if (upper === 'EOF') { sawEof = true; continue; }
    if (/^[A-Z_]+_SECTION$/.test(upper)) {
      if (!dimension) throw new VrpParseError(lineNo, `${upper} before DIMENSION`);
      if (upper === 'NODE_COORD_SECTION') section = 'coords';
      else if (upper === 'DEMAND_SECTION') section = 'demands';
      else if (upper === 'DEPOT_SECTION') section = 'depots';
      else throw new VrpParseError(lineNo, `unsupported section ${upper}`);
      continue;
    }
    const colon = raw.indexOf(':');
    if (colon > 0 && /^[A-Za-z_]+\s*$/.test(raw.slice(0, colon))) {
      const key = raw.slice(0, colon).trim().toUpperCase();
      const value = raw.slice(colon + 1).trim();
      header.set(key, { value, line: lineNo });
      section = 'none';
      if (key === 'DIMENSION') {
        dimension = num(value, lineNo, 'DIMENSION');
        if (!Number.isInteger(dimension) || dimension < 2) throw new VrpParseError(lineNo, `DIMENSION must be an integer >= 2, got ${value}`);
        coords = new Array(dimension).fill(undefined);
        demands = new Array(dimension).fill(undefined);
      }
      continue;
    }
    const tok = raw.split(/\s+/);
    switch (section) {
      case 'coords': {
        const id = nodeId(tok[0], lineNo);
        coords[id - 1] = { x: num(tok[1], lineNo, 'x coordinate'), y: num(tok[2], lineNo, 'y coordinate') };
        break;
      }
      case 'demands': {
        const id = nodeId(tok[0], lineNo);
        const d = num(tok[1], lineNo, 'demand');
        if (d < 0) throw new VrpParseError(lineNo, `negative demand ${d}`);
        demands[id - 1] = d;
        break;
      }
      case 'depots': {
        const id = num(tok[0], lineNo, 'depot id');
        if (id === -1) { section = 'none'; break; }
        depots.push(nodeId(tok[0], lineNo) - 1);
        break;
      }
      case 'none':
        throw new VrpParseError(lineNo, `unexpected line "${raw.slice(0, 40)}"`);
    }
  }
  const end = lines.length;
  const need = (key: string): { value: string; line: number } => {
    const h = header.get(key);
    if (!h) throw new VrpParseError(end, `missing ${key}`);
    return h;
  };
  const type = need('TYPE');
  if (type.value.toUpperCase() !== 'CVRP') throw new VrpParseError(type.line, `TYPE ${type.value} is not supported (CVRP only)`);
  const ewt = need('EDGE_WEIGHT_TYPE');
  if (ewt.value.toUpperCase() !== 'EUC_2D') throw new VrpParseError(ewt.line, `EDGE_WEIGHT_TYPE ${ewt.value} is not supported (EUC_2D only)`);
  need('DIMENSION');
  const cap = need('CAPACITY');
  const capacity = num(cap.value, cap.line, 'CAPACITY');
  const missingCoord = coords.findIndex((c) => !c);
  if (missingCoord >= 0) throw new VrpParseError(end, `NODE_COORD_SECTION has no node ${missingCoord + 1}`);
  const missingDemand = demands.findIndex((d) => d === undefined);
  if (missingDemand >= 0) throw new VrpParseError(end, `DEMAND_SECTION has no node ${missingDemand + 1}`);
  if (depots.length !== 1) throw new VrpParseError(end, `expected exactly one depot in DEPOT_SECTION, got ${depots.length}`);
  const dist = header.get('DISTANCE');
  const svc = header.get('SERVICE_TIME');
  return {
    name: header.get('NAME')?.value ?? 'unnamed',
    dimension,
    capacity,
    distanceLimit: dist ? num(dist.value, dist.line, 'DISTANCE') : undefined,
    serviceTime: svc ? num(svc.value, svc.line, 'SERVICE_TIME') : undefined,
    coords: coords as { x: number; y: number }[],
    demands: demands as number[],
    depot: depots[0]!,
  };
}
