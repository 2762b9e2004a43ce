'use strict';
// resvc check --format html: draws the check document embedded in #check-document (the exact output of
// `resvc check --format json`, docs/schemas/check.schema.json). Addresses are BigInt: they exceed 2^53.
// Everything from the document is shown as text (textContent), never parsed as markup.
(() => {
  // Errors first, so that a test (or a reader) sees any failure below as the html element's data-errors.
  const root = document.documentElement;
  const errors = [];
  const noteError = (text) => {
    errors.push(String(text));
    root.dataset.errors = errors.join('\n');
  };
  root.dataset.errors = '';
  window.addEventListener('error', (e) => noteError(e.message || String(e.error)));
  window.addEventListener('unhandledrejection', (e) => noteError('unhandled rejection: ' + e.reason));
  const consoleError = console.error.bind(console);
  console.error = (...args) => {
    noteError(args.map(String).join(' '));
    consoleError(...args);
  };

  const SPACE_END = 1n << 64n; // one past the last address
  const PAGE = 0x1000n; // the deepest zoom: one 4 KiB page
  const OVERVIEW_TOTAL = 1n << 96n; // overview positions: fine enough that every byte has its own
  const SVG_NS = 'http://www.w3.org/2000/svg';
  // resvc's region types (runtime model.RegionType, the kernel's enum iommu_resv_type): one colour each. The
  // kernel's sysfs prints IOMMU_RESV_SW_MSI as "msi" (iommu_group_resv_type_string, drivers/iommu/iommu.c, v6.x),
  // so a region's `sysfs` line may say msi where its `type` says sw-msi; the map shows the type.
  const REGION_TYPES = ['direct', 'direct-relaxable', 'reserved', 'msi', 'sw-msi'];
  const GUEST_KINDS = ['ram', 'mmio', 'rom', 'reserved'];
  const SEVERITIES = ['fatal', 'warn', 'info'];

  // The rows of a map, in SVG units; x is the map's width in pixels.
  const LABEL_W = 76;
  const PAD_R = 10;
  const ROW = {
    finding: { y: 3, h: 14, label: 'findings' },
    guest: { y: 21, h: 26, label: 'guest' },
    region: { y: 51, h: 40, label: 'reserved' },
    iova: { y: 95, h: 18, label: 'valid IOVA' },
  };
  const AXIS_Y = 117;
  const HEIGHT = 138;

  // ---- small helpers -----------------------------------------------------------------------------

  function el(tag, className, ...children) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  function svg(tag, attrs) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }

  const hex16 = (a) => '0x' + a.toString(16).padStart(16, '0');
  /** A short address for the axis: 0xdf61_e000, and 2^64 for the end of the space. */
  const hexShort = (a) => (a === SPACE_END ? '2^64' : '0x' + a.toString(16).replace(/\B(?=([0-9a-f]{4})+$)/g, '_'));
  /** [start, end) as the kernel prints it: both ends inclusive. */
  const rangeText = (r) => hex16(r.start) + '-' + hex16(r.end - 1n);

  /** Bytes in binary units: exact when the size is a whole number of the unit, else one decimal. */
  function sizeText(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
    let unit = 0;
    while (unit + 1 < units.length && bytes >= 1n << BigInt(10 * (unit + 1))) unit++;
    const whole = bytes >> BigInt(10 * unit);
    if (whole << BigInt(10 * unit) === bytes) return whole + ' ' + units[unit];
    return (Number(bytes) / 2 ** (10 * unit)).toFixed(1) + ' ' + units[unit];
  }

  /** An inclusive range from the document ({start, end} or a "0x.. 0x.." / "0x....0x.." text) as [start, end). */
  function range(value) {
    if (value === null || value === undefined) return null;
    if (typeof value === 'object') return { start: BigInt(value.start), end: BigInt(value.end) + 1n };
    const m = /^(0x[0-9a-f]+)(?:\.\.|\s+)(0x[0-9a-f]+)/i.exec(value);
    return m ? { start: BigInt(m[1]), end: BigInt(m[2]) + 1n } : null;
  }

  /** The first index in sorted [0, n) for which test holds, or n. */
  function firstIndex(n, test) {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (test(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  // ---- the scale: where an address sits on the line ----------------------------------------------

  /**
   * A piecewise-linear map from addresses [0, 2^64] to positions [0, total], with pieces between the
   * group's boundaries (every start and end it draws). Linear: a piece's width is its size (total 2^64,
   * the identity). Overview: its width grows with the log of its size, so a 4 KiB region shows as a mark
   * beside the whole 2^64 space; positions are 96-bit, so even there every byte has its own position and
   * a view can narrow to one page. A view is [u0, u1) of positions: zoom and pan are linear in them.
   */
  function makeScale(boundaries, linear) {
    const total = linear ? SPACE_END : OVERVIEW_TOTAL;
    const weights = [];
    for (let i = 0; i + 1 < boundaries.length; i++) {
      const bytes = boundaries[i + 1] - boundaries[i];
      const log = BigInt(bytes.toString(2).length);
      weights.push(linear ? bytes : (log + 6n) * (log + 6n));
    }
    const sum = weights.reduce((a, b) => a + b, 0n);
    const pieces = [];
    let acc = 0n;
    weights.forEach((w, i) => {
      const u = (acc * total) / sum;
      acc += w;
      pieces.push({ a: boundaries[i], b: boundaries[i + 1], u, v: (acc * total) / sum });
    });
    return {
      total,
      linear,
      pieces,
      toU(addr) {
        if (addr >= SPACE_END) return total;
        const p = pieces[firstIndex(pieces.length, (i) => addr < pieces[i].b)];
        return p.u + ((addr - p.a) * (p.v - p.u)) / (p.b - p.a);
      },
      /** The first address at or right of position u. */
      toAddr(u) {
        if (u >= total) return SPACE_END;
        if (u <= 0n) return 0n;
        const p = pieces[firstIndex(pieces.length, (i) => u < pieces[i].v)];
        const span = p.v - p.u;
        return p.a + ((u - p.u) * (p.b - p.a) + span - 1n) / span;
      },
    };
  }

  // ---- one group ---------------------------------------------------------------------------------

  /** What a group draws, read from its part of the document: every range as [start, end). */
  function groupModel(group, guestRanges) {
    const findings = group.findings.map((f, i) => ({
      number: i + 1,
      finding: f,
      range: range(f.overlap) || range(f.region),
    }));
    const iommufd = group.ioas_iova_ranges !== null;
    return {
      id: group.id,
      group,
      guest: guestRanges.map((g) => ({ info: g, range: range(g) })),
      regions: group.effective_regions.map((r) => ({ info: r, range: range(r) })),
      iovaLabel: iommufd ? 'IOAS IOVA' : 'valid IOVA',
      iova: (iommufd ? group.ioas_iova_ranges : group.valid_iova).map((r) => ({ info: r, range: range(r) })),
      findings,
    };
  }

  function boundaries(model) {
    const points = new Set([0n, SPACE_END]);
    const add = (r) => {
      if (r) {
        points.add(r.start);
        points.add(r.end);
      }
    };
    model.guest.forEach((g) => add(g.range));
    model.regions.forEach((r) => add(r.range));
    model.iova.forEach((r) => add(r.range));
    model.findings.forEach((f) => add(f.range));
    return [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** Lanes for overlapping regions (a direct and a direct-relaxable copy of one RMRR): first fit by start. */
  function lanes(items) {
    const ends = [];
    const lane = new Map();
    [...items]
      .sort((x, y) => (x.range.start < y.range.start ? -1 : x.range.start > y.range.start ? 1 : 0))
      .forEach((item) => {
        let i = ends.findIndex((end) => end <= item.range.start);
        if (i < 0) i = ends.push(0n) - 1;
        ends[i] = item.range.end;
        lane.set(item, i);
      });
    return { count: Math.max(1, ends.length), of: (item) => lane.get(item) };
  }

  /** A group's map: the SVG, its toolbar and status line, and the view being shown. */
  class GroupMap {
    constructor(model, status, viewText, link, linearBox) {
      this.model = model;
      this.status = status;
      this.viewText = viewText;
      this.link = link;
      this.linearBox = linearBox;
      const points = boundaries(model);
      this.scales = { overview: makeScale(points, false), linear: makeScale(points, true) };
      this.scale = this.scales.overview;
      this.u0 = 0n;
      this.u1 = this.scale.total;
      this.lanes = lanes(model.regions);
      this.info = new WeakMap(); // mark element -> {range, text}
      this.svg = svg('svg', {
        class: 'map',
        tabindex: 0,
        role: 'img',
        'data-group': model.id,
        'aria-label': 'address map of IOMMU group ' + model.id,
      });
      this.listen();
    }

    get width() {
      const w = this.svg.parentElement ? this.svg.parentElement.clientWidth : 0;
      return Math.max(480, w || 800);
    }

    // -- the view --

    /** Shows [u0, u1), kept inside the space and at least one 4 KiB page wide. */
    setView(u0, u1) {
      const { total } = this.scale;
      let span = u1 - u0;
      if (span >= total || span <= 0n) {
        u0 = 0n;
        span = total;
      }
      if (u0 < 0n) u0 = 0n;
      if (u0 + span > total) u0 = total - span;
      u1 = u0 + span;
      if (this.scale.toAddr(u1) - this.scale.toAddr(u0) < PAGE) {
        const middle = this.scale.toAddr(u0 + span / 2n);
        let start = middle & ~(PAGE - 1n);
        if (start + PAGE > SPACE_END) start = SPACE_END - PAGE;
        u0 = this.scale.toU(start);
        u1 = this.scale.toU(start + PAGE);
      }
      this.u0 = u0;
      this.u1 = u1;
      this.draw();
    }

    showRange(r, margin) {
      const u0 = this.scale.toU(r.start);
      const u1 = this.scale.toU(r.end);
      const pad = margin ? (u1 - u0) / 8n : 0n;
      this.setView(u0 - pad, u1 + pad);
    }

    whole() {
      this.setView(0n, this.scale.total);
    }

    /** Zooms by num/den around the point at fraction f (0..1) of the plot's width. */
    zoom(num, den, f) {
      const span = this.u1 - this.u0;
      const parts = 1000000n;
      const at = BigInt(Math.round(Math.min(1, Math.max(0, f)) * 1e6));
      const anchor = this.u0 + (span * at) / parts;
      const next = (span * den) / num;
      const u0 = anchor - (next * at) / parts;
      this.setView(u0, u0 + (next > 0n ? next : 1n));
    }

    /** Moves the view by a fraction of its width (num/den, negative to the left). */
    pan(num, den) {
      const du = ((this.u1 - this.u0) * BigInt(num)) / BigInt(den);
      this.setView(this.u0 + du, this.u1 + du);
    }

    setLinear(linear) {
      const a0 = this.scale.toAddr(this.u0);
      const a1 = this.scale.toAddr(this.u1);
      this.scale = linear ? this.scales.linear : this.scales.overview;
      this.linearBox.checked = linear;
      this.setView(this.scale.toU(a0), this.scale.toU(a1));
    }

    viewRange() {
      return { start: this.scale.toAddr(this.u0), end: this.scale.toAddr(this.u1) };
    }

    // -- drawing --

    x(u, plotW) {
      const px = Number(((u - this.u0) * BigInt(plotW * 64)) / (this.u1 - this.u0)) / 64;
      return LABEL_W + Math.min(plotW + 50, Math.max(-50, px));
    }

    /** A mark's left edge and width, at least 2 px so that a page stays visible at any zoom. */
    span(r, plotW) {
      let x0 = this.x(this.scale.toU(r.start), plotW);
      let x1 = this.x(this.scale.toU(r.end), plotW);
      if (x1 - x0 < 2) {
        const mid = (x0 + x1) / 2;
        x0 = mid - 1;
        x1 = mid + 1;
      }
      return { x: x0, w: x1 - x0 };
    }

    /** A mark for the range r: its exact range as data-start/data-end (inclusive), and text for hovering. */
    addMark(parent, tag, r, attrs, text) {
      const mark = svg(tag, attrs);
      mark.setAttribute('data-start', hex16(r.start));
      mark.setAttribute('data-end', hex16(r.end - 1n));
      const title = svg('title');
      title.textContent = text;
      mark.append(title);
      this.info.set(mark, { range: r, text });
      parent.append(mark);
      return mark;
    }

    /** Text inside a mark, on the part of it in view, shortened to fit or left out. */
    label(parent, text, x, w, y, dark, plotW) {
      const left = Math.max(x, LABEL_W);
      w = Math.min(x + w, LABEL_W + plotW) - left;
      x = left;
      const chars = Math.floor((w - 6) / 6);
      if (chars < 3) return;
      const shown = text.length <= chars ? text : text.slice(0, chars - 1) + '…';
      const t = svg('text', { class: dark ? 'mark-label dark' : 'mark-label', x: x + 3, y });
      t.textContent = shown;
      parent.append(t);
    }

    draw() {
      const width = this.width;
      const plotW = width - LABEL_W - PAD_R;
      const m = this.model;
      const s = this.svg;
      s.replaceChildren();
      s.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
      s.setAttribute('width', width);
      s.setAttribute('height', HEIGHT);
      const view = this.viewRange();
      s.setAttribute('data-view-start', hex16(view.start));
      s.setAttribute('data-view-end', hex16(view.end - 1n));
      s.setAttribute('data-scale', this.scale.linear ? 'linear' : 'overview');

      const clipId = 'plot-' + m.id;
      const clip = svg('clipPath', { id: clipId });
      clip.append(svg('rect', { x: LABEL_W, y: 0, width: plotW, height: HEIGHT }));
      s.append(clip);

      for (const [key, row] of Object.entries(ROW)) {
        s.append(svg('rect', { class: 'lane', x: LABEL_W, y: row.y, width: plotW, height: row.h }));
        const t = svg('text', { class: 'row-label', x: 4, y: row.y + row.h / 2 + 4 });
        t.textContent = key === 'iova' ? m.iovaLabel : row.label;
        s.append(t);
      }

      const plot = svg('g', { 'clip-path': `url(#${clipId})` });
      s.append(plot);
      this.drawAxis(plot, s, plotW);

      for (const g of m.guest) {
        const { x, w } = this.span(g.range, plotW);
        const kind = GUEST_KINDS.includes(g.info.kind) ? g.info.kind : 'reserved';
        this.addMark(plot, 'rect', g.range, { class: `mark mark-guest k-${kind}`, x, y: ROW.guest.y, width: w, height: ROW.guest.h },
          `guest ${g.info.kind} ${g.info.name}\n${rangeText(g.range)}\n${sizeText(g.range.end - g.range.start)}`);
        this.label(plot, g.info.name, x, w, ROW.guest.y + 17, kind !== 'ram' && kind !== 'rom', plotW);
      }

      const laneH = ROW.region.h / this.lanes.count;
      for (const r of m.regions) {
        const { x, w } = this.span(r.range, plotW);
        const type = REGION_TYPES.includes(r.info.type) ? r.info.type : 'reserved';
        const y = ROW.region.y + laneH * this.lanes.of(r);
        const prot = r.info.prot.length ? r.info.prot.join(',') : 'none';
        this.addMark(plot, 'rect', r.range, { class: `mark mark-region t-${type}`, x, y, width: w, height: laneH },
          `${r.info.type} (${r.info.source})\n${rangeText(r.range)}\n${sizeText(r.range.end - r.range.start)}` +
            `\ndevices: ${r.info.devices.join(', ')}\nprot: ${prot}`);
        this.label(plot, r.info.type, x, w, y + laneH / 2 + 4, false, plotW);
      }

      for (const r of m.iova) {
        const { x, w } = this.span(r.range, plotW);
        this.addMark(plot, 'rect', r.range, { class: 'mark mark-iova', x, y: ROW.iova.y, width: w, height: ROW.iova.h },
          `${m.iovaLabel}\n${rangeText(r.range)}\n${sizeText(r.range.end - r.range.start)}`);
      }

      for (const f of m.findings) {
        if (!f.range) continue;
        const sev = SEVERITIES.includes(f.finding.severity) ? f.finding.severity : 'info';
        const { x, w } = this.span(f.range, plotW);
        const top = ROW.finding.y + ROW.finding.h;
        plot.append(svg('rect', { class: `band ${sev}`, x, y: top, width: w, height: ROW.iova.y + ROW.iova.h - top }));
        const cx = x + w / 2;
        const y0 = ROW.finding.y;
        this.addMark(plot, 'path', f.range, {
          class: `mark mark-finding ${sev}`,
          d: `M${cx - 7},${y0} h14 v8 l-7,6 l-7,-6 z`,
        }, `finding ${f.number}: ${f.finding.severity}\n${f.finding.message}\n${rangeText(f.range)}`);
        const n = svg('text', { class: 'finding-number', x: cx, y: y0 + 9, 'text-anchor': 'middle' });
        n.textContent = String(f.number);
        plot.append(n);
      }

      this.viewText.textContent = `${rangeText(view)} (${sizeText(view.end - view.start)})`;
      this.link.href = `#group=${m.id}&range=${hex16(view.start)}-${hex16(view.end - 1n)}`;
    }

    /** Grid lines at the boundaries in view (labelled where there is room), and round addresses between. */
    drawAxis(plot, s, plotW) {
      const ticks = [];
      const left = this.u0;
      const right = this.u1;
      for (const p of this.scale.pieces.concat([{ a: SPACE_END, u: this.scale.total }])) {
        if (p.u >= left && p.u <= right) ticks.push({ addr: p.a, x: this.x(p.u, plotW), major: true });
      }
      for (const p of this.scale.pieces) {
        const u0 = p.u > left ? p.u : left;
        const u1 = p.v < right ? p.v : right;
        if (u1 <= u0) continue;
        const x0 = this.x(u0, plotW);
        const x1 = this.x(u1, plotW);
        const n = Math.floor((x1 - x0) / 120);
        if (n < 1) continue;
        const a0 = this.scale.toAddr(u0);
        const a1 = this.scale.toAddr(u1);
        let step = 1n;
        while (step * BigInt(n) < a1 - a0) step <<= 1n;
        for (let a = ((a0 + step - 1n) / step) * step; a < a1; a += step) {
          const x = this.x(this.scale.toU(a), plotW);
          if (ticks.every((t) => Math.abs(t.x - x) > 40)) ticks.push({ addr: a, x, major: false });
        }
      }
      const placed = [];
      for (const t of ticks) {
        plot.append(svg('line', {
          class: 'grid', x1: t.x, x2: t.x, y1: t.major ? 0 : AXIS_Y - 4, y2: AXIS_Y + (t.major ? 2 : 0),
        }));
        const text = hexShort(t.addr);
        const w = text.length * 6.1;
        let x = t.x - w / 2;
        x = Math.min(LABEL_W + plotW - w, Math.max(LABEL_W, x));
        if (placed.some(([a, b]) => x < b + 8 && x + w > a - 8)) continue;
        placed.push([x, x + w]);
        const label = svg('text', { class: 'tick', x, y: AXIS_Y + 13 });
        label.textContent = text;
        s.append(label);
      }
    }

    // -- input --

    fraction(event) {
      const box = this.svg.getBoundingClientRect();
      const scale = box.width ? this.svg.viewBox.baseVal.width / box.width : 1;
      const plotW = this.svg.viewBox.baseVal.width - LABEL_W - PAD_R;
      return ((event.clientX - box.left) * scale - LABEL_W) / plotW;
    }

    addressAt(event) {
      const f = Math.min(1, Math.max(0, this.fraction(event)));
      const u = this.u0 + ((this.u1 - this.u0) * BigInt(Math.round(f * 1e6))) / 1000000n;
      return this.scale.toAddr(u);
    }

    listen() {
      const s = this.svg;
      let drag = null;
      // A drag follows the pointer on the window until it is released, so it goes on outside the map.
      const move = (e) => {
        const dx = e.clientX - drag.x;
        if (Math.abs(dx) <= 3) return;
        drag.moved = true;
        s.classList.add('dragging');
        hideTooltip();
        const box = s.getBoundingClientRect();
        const plotPx = box.width * ((s.viewBox.baseVal.width - LABEL_W - PAD_R) / s.viewBox.baseVal.width);
        const du = ((drag.u1 - drag.u0) * BigInt(Math.round(dx * 1000))) / BigInt(Math.round(plotPx * 1000));
        this.setView(drag.u0 - du, drag.u1 - du);
      };
      const end = (e) => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', end);
        window.removeEventListener('pointercancel', end);
        const { moved, target } = drag;
        drag = null;
        s.classList.remove('dragging');
        const info = target && this.info.get(target);
        if (!moved && info && e.type === 'pointerup') this.showRange(info.range, true);
      };
      s.addEventListener('pointerdown', (e) => {
        if (e.button !== 0 || drag) return;
        s.focus({ preventScroll: true });
        drag = { x: e.clientX, u0: this.u0, u1: this.u1, moved: false, target: e.target.closest('.mark') };
        window.addEventListener('pointermove', move);
        window.addEventListener('pointerup', end);
        window.addEventListener('pointercancel', end);
      });
      s.addEventListener('pointermove', (e) => {
        if (drag) return;
        const mark = e.target.closest('.mark');
        const info = mark && this.info.get(mark);
        if (info) showTooltip(info.text, e);
        else hideTooltip();
        this.status.textContent = 'address ' + hex16(this.addressAt(e)) + (info ? '   ' + info.text.split('\n')[0] : '');
      });
      s.addEventListener('pointerleave', hideTooltip);
      s.addEventListener('wheel', (e) => {
        if (document.activeElement !== s && !e.ctrlKey) {
          this.status.textContent = 'click the map first (or hold Ctrl) to zoom with the wheel';
          return;
        }
        e.preventDefault();
        if (e.deltaY < 0) this.zoom(3n, 2n, this.fraction(e));
        else if (e.deltaY > 0) this.zoom(2n, 3n, this.fraction(e));
      }, { passive: false });
      s.addEventListener('keydown', (e) => {
        const keys = {
          '+': () => this.zoom(2n, 1n, 0.5),
          '=': () => this.zoom(2n, 1n, 0.5),
          '-': () => this.zoom(1n, 2n, 0.5),
          ArrowLeft: () => this.pan(-1, 4),
          ArrowRight: () => this.pan(1, 4),
          Home: () => this.whole(),
          0: () => this.whole(),
          l: () => this.setLinear(!this.scale.linear),
        };
        const action = keys[e.key];
        if (action && !e.ctrlKey && !e.metaKey && !e.altKey) {
          e.preventDefault();
          action();
        }
      });
    }
  }

  // ---- the tooltip -------------------------------------------------------------------------------

  const tooltip = document.getElementById('tooltip');
  function showTooltip(text, event) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    const x = Math.min(window.innerWidth - tooltip.offsetWidth - 8, event.clientX + 14);
    const y = event.clientY + 18 + tooltip.offsetHeight > window.innerHeight
      ? event.clientY - tooltip.offsetHeight - 10 : event.clientY + 18;
    tooltip.style.left = Math.max(4, x) + 'px';
    tooltip.style.top = Math.max(4, y) + 'px';
  }
  function hideTooltip() {
    tooltip.hidden = true;
  }

  // ---- the page ----------------------------------------------------------------------------------

  function swatch(cssVar, text) {
    const box = el('span', 'swatch');
    box.style.background = `var(${cssVar})`;
    return el('span', 'key', box, text);
  }

  function legend() {
    const bar = el('div', 'legend', el('b', null, 'reserved'));
    REGION_TYPES.forEach((t) => bar.append(swatch('--' + t, t)));
    bar.append(el('b', null, 'guest'));
    GUEST_KINDS.forEach((k) => bar.append(swatch('--g-' + k, k)));
    bar.append(swatch('--iova', 'valid IOVA'), el('b', null, 'findings'));
    SEVERITIES.forEach((sev) => bar.append(el('span', 'key', el('span', 'num ' + sev, '1'), sev)));
    return bar;
  }

  function summary(doc, groups, hashNote) {
    const header = document.getElementById('summary');
    const refused = groups.filter((g) => !g.assignable);
    const verdict = el('span', refused.length ? 'pill refused verdict' : 'pill ok verdict',
      refused.length ? `${refused.length} NOT ASSIGNABLE` : 'ALL ASSIGNABLE');
    header.append(el('h1', null, `resvc check: ${doc.policy} on ${doc.host}`, verdict));
    const k = doc.kernel;
    header.append(el('p', 'facts',
      el('span', null, 'guest ', el('code', null, doc.guest)),
      el('span', null, `kernel ${k.release}, ${k.backend}`),
      el('span', null, 'regions from ' + doc.regions_from)));
    if (k.assumptions.length) {
      header.append(el('ul', null, ...k.assumptions.map((a) => el('li', null, 'assumed: ' + a))));
    }
    const counts = el('p', 'counts', `${groups.length - refused.length} of ${groups.length} groups assignable`);
    if (refused.length) {
      counts.append('; not assignable: group ');
      refused.forEach((g, i) => {
        if (i) counts.append(', ');
        const a = el('a', null, String(g.id));
        a.href = '#group=' + g.id;
        counts.append(a);
      });
      counts.append(' (shown first)');
    }
    header.append(counts);
    header.append(el('p', 'hint', 'On a map: drag to pan, click a mark or a finding to zoom to it, wheel (once the map'
      + ' has focus) or + − to zoom, ← → to pan, 0 for the whole space; hover for exact ranges.'));
    if (doc.diagnostics.length) {
      header.append(el('ul', null, ...doc.diagnostics.map((d) =>
        el('li', null, `${d.file}:${d.line}:${d.column}: ${d.severity} ${d.code}: ${d.message}`))));
    }
    header.append(hashNote);
    header.after(legend());
  }

  function findingItem(f, map) {
    const x = f.finding;
    const sev = SEVERITIES.includes(x.severity) ? x.severity : 'info';
    const where = x.file === '<kernel>' ? `kernel: ${x.rule}` : `${x.file}:${x.line} (rule ${x.rule})`;
    const item = el('li', sev,
      el('span', 'num', String(f.number)),
      el('span', 'sev ' + sev, x.severity),
      el('span', 'message', x.message),
      el('div', 'where', where + (x.region ? ' · region ' + x.region : '') + (x.guest ? ' · guest ' + x.guest : '')));
    if (x.stage) {
      // A step the kernel fails: where (stage, call, errno), what it logs, and why.
      const facts = el('dl', null,
        el('dt', null, 'step'), el('dd', null, `${x.stage} · ${x.call} · ${x.errno}`));
      if (x.kernel_log !== null) facts.append(el('dt', null, 'kernel log'), el('dd', 'log', x.kernel_log));
      facts.append(el('dt', null, 'why'), el('dd', null, x.why));
      item.append(facts);
    }
    if (f.range) {
      item.title = 'show ' + rangeText(f.range) + ' on the map';
      item.addEventListener('click', () => map.showRange(f.range, true));
    }
    return item;
  }

  function rawText(model) {
    const lines = ['effective regions (as reserved_regions shows them):'];
    model.group.effective_regions.forEach((r) => lines.push('  ' + r.sysfs));
    if (!model.regions.length) lines.push('  (none)');
    lines.push(model.iovaLabel + ':');
    model.iova.forEach((r) => lines.push('  ' + hex16(r.range.start) + ' ' + hex16(r.range.end - 1n)));
    if (!model.iova.length) lines.push('  none');
    return lines.join('\n');
  }

  function groupSection(doc, group) {
    const model = groupModel(group, doc.guest_ranges);
    const section = el('section', 'group ' + (group.assignable ? 'ok' : 'refused'));
    section.id = 'group-' + group.id;
    section.dataset.group = group.id;
    section.append(el('div', 'group-head',
      el('h2', null, 'group ' + group.id),
      el('span', 'pill ' + (group.assignable ? 'ok' : 'refused'), group.assignable ? 'ASSIGNABLE' : 'NOT ASSIGNABLE'),
      el('span', 'devices', ...group.devices.map((d) => el('code', null, d)))));

    const status = el('div', 'status', ' ');
    const viewText = el('span', 'view');
    const link = el('a', null, 'link to this view');
    const linearBox = el('input');
    linearBox.type = 'checkbox';
    const map = new GroupMap(model, status, viewText, link, linearBox);
    const button = (text, title, action) => {
      const b = el('button', null, text);
      b.type = 'button';
      b.title = title;
      b.addEventListener('click', action);
      return b;
    };
    const toolbar = el('div', 'toolbar',
      button('−', 'zoom out (-)', () => map.zoom(1n, 2n, 0.5)),
      button('+', 'zoom in (+)', () => map.zoom(2n, 1n, 0.5)),
      button('◀', 'pan left (←)', () => map.pan(-1, 4)),
      button('▶', 'pan right (→)', () => map.pan(1, 4)),
      button('2^64', 'the whole address space (0)', () => map.whole()),
      el('label', null, linearBox, 'linear'),
      viewText,
      link);
    linearBox.addEventListener('change', () => map.setLinear(linearBox.checked));

    const mapColumn = el('div', 'map-column', toolbar, map.svg, status);
    const details = el('details', 'raw', el('summary', null, 'regions and IOVA ranges as text'),
      el('pre', null, rawText(model)));
    mapColumn.append(details);
    const body = el('div', 'group-body', mapColumn);
    if (model.findings.length) {
      body.append(el('ol', 'findings', ...model.findings.map((f) => findingItem(f, map))));
    } else {
      body.classList.add('no-findings');
    }
    section.append(body);
    return { section, map };
  }

  /** #group=N opens group N; &range=0xSTART-0xEND (END inclusive) zooms its map to exactly that range. */
  function applyHash(maps, hashNote) {
    hashNote.textContent = '';
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has('group')) return;
    const entry = maps.get(params.get('group'));
    if (!entry) {
      hashNote.textContent = `link: this report has no group ${params.get('group')}`;
      return;
    }
    const text = params.get('range');
    if (text !== null) {
      const m = /^(0x[0-9a-f]{1,16})-(0x[0-9a-f]{1,16})$/i.exec(text);
      const r = m && { start: BigInt(m[1]), end: BigInt(m[2]) + 1n };
      if (!r || r.start >= r.end) {
        hashNote.textContent = `link: range ${text} is not 0xSTART-0xEND with START <= END`;
      } else {
        entry.map.showRange(r, false);
      }
    } else {
      entry.map.whole();
    }
    entry.section.scrollIntoView();
  }

  function main() {
    const doc = JSON.parse(document.getElementById('check-document').textContent);
    document.title = `resvc check: ${doc.policy} on ${doc.host}`;
    const hashNote = el('p', 'note');
    summary(doc, doc.groups, hashNote);
    const container = document.getElementById('groups');
    if (!doc.groups.length) {
      container.append(el('p', null, "no IOMMU groups: nothing can be assigned (see 'resvc host' for why)"));
    }
    const maps = new Map();
    // The groups that need a look first: refused, then with findings, then the rest; each in id order.
    const rank = (g) => (!g.assignable ? 0 : g.findings.length ? 1 : 2);
    const shown = [...doc.groups].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
    for (const group of shown) {
      const entry = groupSection(doc, group);
      container.append(entry.section);
      maps.set(String(group.id), entry);
    }
    maps.forEach((entry) => entry.map.draw());
    applyHash(maps, hashNote);
    window.addEventListener('hashchange', () => applyHash(maps, hashNote));
    window.addEventListener('resize', () => maps.forEach((entry) => entry.map.draw()));
    root.dataset.rendered = String(maps.size);
  }

  main();
})();
