package dev.resvc.runtime.kernel;

import dev.resvc.runtime.firmware.IdMapping;
import dev.resvc.runtime.firmware.IortNode;
import dev.resvc.runtime.firmware.IortTable;
import dev.resvc.runtime.firmware.MadtTable;
import dev.resvc.runtime.firmware.RmrRange;
import dev.resvc.runtime.input.InputNote;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.input.Read;
import dev.resvc.runtime.model.KernelRelease;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.model.PciDevice;
import dev.resvc.runtime.model.Prot;
import dev.resvc.runtime.model.Region;
import dev.resvc.runtime.model.RegionSource;
import dev.resvc.runtime.model.RegionType;
import dev.resvc.runtime.range.U64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The regions the Arm SMMU drivers report for a device on an ACPI (IORT) host, and the stream IDs
 * that decide them.
 *
 * <p>Regions, in the kernel's order ({@code arm_smmu_get_resv_regions} in arm-smmu-v3.c and
 * arm-smmu.c): first the software MSI window {@code [0x08000000, 0x080fffff]} ({@code sw-msi}, prot
 * WRITE|NOEXEC|MMIO), then {@code iommu_dma_get_resv_regions} → {@code iort_iommu_get_resv_regions}:
 * the HiSilicon Hi161x HW MSI regions ({@code iort_iommu_msi_get_resv_regions}: one {@code msi}
 * region per ITS of the device's ITS group, at the ITS base from the MADT + 64 KiB, 64 KiB long) and
 * the RMR regions of {@code iort_find_rmrs} / {@code iort_node_get_rmr_info} / {@code iort_get_rmrs}.
 * Both match every stream ID of the device's fwspec, which for a PCI function holds one per DMA
 * alias ({@link PciDmaAliases}).
 *
 * <p>RMR selection: an RMR node counts only when the IORT revision is 5 or more (the reader keeps
 * older tables' RMR nodes undecoded); an ID mapping selects the node when its output reference is
 * the device's SMMU node and one of the device's stream IDs lies in {@code [outputBase, outputBase +
 * idCount]} (u32 arithmetic).
 *
 * <p>By release (docs/kernel-eras.md section 6): before v6.0 there are no RMR regions at all, only
 * the SW_MSI window (RMR support came with 491cf4a6735a); v6.0 to v6.4 skip ID mappings whose "Number
 * of IDs" field is 0, i.e. single-ID mappings, so such RMRs give no region; from v6.5 (003e6b56d780
 * "ACPI/IORT: Remove erroneous id_count check in iort_node_get_rmr_info()") they count.
 *
 * <p>Stream IDs: each DMA alias of a PCI device ({@code pci_for_each_dma_alias}) goes through the
 * first root complex node of its segment and on through the ID mapping graph until an SMMU node
 * ({@code iort_pci_iommu_init}, {@code iort_node_map_id}, {@code iort_id_map}); a named component
 * takes the output of each of its single mappings in turn ({@code iort_nc_iommu_map}). The kernel's
 * firmware-bug messages become notes, returned with each answer: the builder itself holds only the
 * table (and the host's MADT and page size), so one instance can answer any number of devices.
 */
public final class ArmRegionBuilder {
  /** {@code MSI_IOVA_BASE}. */
  public static final long MSI_IOVA_BASE = 0x08000000L;
  /** {@code MSI_IOVA_LENGTH}. */
  public static final long MSI_IOVA_LENGTH = 0x100000L;
  /** RMR descriptors aligned to this need no fix-up ({@code SZ_64K} in {@code iort_get_rmrs}). */
  public static final long RMR_ALIGNMENT = 0x10000L;
  /**
   * The HiSilicon HW MSI region: {@code iommu_alloc_resv_region(base + SZ_64K, SZ_64K, ...)}, the ITS
   * translation register page, in {@code iort_iommu_msi_get_resv_regions}.
   */
  public static final long ITS_TRANSLATER_OFFSET = 0x10000L;
  /** The HiSilicon HW MSI region's length ({@code SZ_64K}). */
  public static final long ITS_MSI_LENGTH = 0x10000L;
  /** The arm64 default {@code PAGE_SIZE} (kernels may be built with 16 KiB or 64 KiB pages). */
  public static final long DEFAULT_PAGE_SIZE = 0x1000L;

  private static final long U32 = 0xffffffffL;
  private static final String FW_BUG = "[Firmware Bug]: ";

  /**
   * Where a device's DMA goes: the SMMU node and the stream IDs it puts in its fwspec.
   *
   * @param smmuOffset the SMMU node's offset in the table
   */
  public record StreamBinding(long smmuOffset, List<Long> streamIds) {
    public StreamBinding {
      streamIds = List.copyOf(streamIds);
    }
  }

  private final IortTable table;
  private final KernelRelease release;
  private final String source;
  private final long pageSize;
  private final boolean pageSizeKnown;
  private final Optional<MadtTable> madt;

  private ArmRegionBuilder(IortTable table, KernelRelease release, String source, long pageSize, boolean pageSizeKnown,
      Optional<MadtTable> madt) {
    this.table = Objects.requireNonNull(table, "table");
    this.release = Objects.requireNonNull(release, "release");
    this.source = Objects.requireNonNull(source, "source");
    if (pageSize <= 0 || Long.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size " + pageSize + " is not a power of two");
    }
    this.pageSize = pageSize;
    this.pageSizeKnown = pageSizeKnown;
    this.madt = Objects.requireNonNull(madt, "madt");
  }

  /**
   * A builder for a kernel of {@code release} whose {@code PAGE_SIZE} is not known: 4 KiB is assumed,
   * and a note says so wherever the page size changes a region (an RMR descriptor not 64 KiB-aligned).
   * Notes on the kernel's firmware-bug messages name {@code source}.
   */
  public static ArmRegionBuilder of(IortTable table, KernelRelease release, String source) {
    return new ArmRegionBuilder(table, release, source, DEFAULT_PAGE_SIZE, false, Optional.empty());
  }

  /** A builder for a kernel of {@code release} with {@code PAGE_SIZE} {@code pageSize} (4, 16 or 64 KiB on arm64). */
  public static ArmRegionBuilder of(IortTable table, KernelRelease release, String source, long pageSize) {
    return new ArmRegionBuilder(table, release, source, pageSize, true, Optional.empty());
  }

  /**
   * This builder with the host's MADT, whose GIC ITS structures give the ITS base addresses the
   * HiSilicon Hi161x regions lie at ({@code iort_find_its_base}). Without it those regions are left
   * out with a note.
   */
  public ArmRegionBuilder withMadt(MadtTable value) {
    return new ArmRegionBuilder(table, release, source, pageSize, pageSizeKnown, Optional.of(value));
  }

  // --- regions ---

  /**
   * {@code arm_smmu_get_resv_regions} for a PCI device whose host bridge has {@code preserve_config}
   * set (firmware _DSM function 5), as a platform that relies on RMRs for PCI devices must provide,
   * and whose bridges are all PCIe ports (so its only DMA alias is its own requester ID). Empty when
   * the device's requester ID reaches no SMMU (the SMMU driver never sees the device).
   */
  public Read<List<Region>> regionsForPci(PciDevice device) {
    return regionsForPci(device, Map.of(), true);
  }

  /** {@link #regionsForPci(PciDevice, Map, boolean)} for a device whose bridges are all PCIe ports. */
  public Read<List<Region>> regionsForPci(PciDevice device, boolean preserveBootConfig) {
    return regionsForPci(device, Map.of(), preserveBootConfig);
  }

  /**
   * {@code arm_smmu_get_resv_regions} for a PCI device whose bridges are of the kinds {@code
   * bridgeKinds} gives (a bridge it does not name is taken as a PCIe port: no DMA alias; a note says
   * so when an alias it could add would select an RMR). Without {@code preserveBootConfig} ({@code
   * iort_rmr_has_dev}: the host bridge's {@code preserve_config}) the kernel ignores every RMR for PCI
   * devices, because the stream IDs firmware used may have changed; a note says what was dropped.
   */
  public Read<List<Region>> regionsForPci(PciDevice device, Map<PciAddress, PciDmaAliases.BridgeKind> bridgeKinds,
      boolean preserveBootConfig) {
    List<InputNote> notes = new ArrayList<>();
    Optional<StreamBinding> binding = streamsForPci(device, bridgeKinds, notes);
    if (binding.isEmpty()) {
      return new Read<>(List.of(), notes);
    }
    StreamBinding b = binding.get();
    if (preserveBootConfig) {
      noteUnknownBridges(device, bridgeKinds, b.smmuOffset(), notes);
      List<Region> regions = regionsForStreams(b.smmuOffset(), b.streamIds(), notes);
      return new Read<>(regions, notes);
    }
    List<Region> rmrs = rmrRegions(b.smmuOffset(), b.streamIds(), new ArrayList<>()); // dropped, and so their notes
    if (!rmrs.isEmpty()) {
      notes.add(InputNote.note(source, Position.whole(), rmrs.size() + " RMR region(s) for " + device.address()
          + " ignored: its host bridge does not preserve the firmware PCI configuration (preserve_config)"));
    }
    List<Region> regions = new ArrayList<>();
    regions.add(swMsi());
    regions.addAll(msiRegions(b.smmuOffset(), b.streamIds(), notes));
    return new Read<>(regions, notes);
  }

  /**
   * A note for each bridge above {@code device} whose kind is unknown and whose possible aliases
   * (its own ID, or its secondary bus with devfn 0) would select an RMR of the device's SMMU: there
   * the assumption that it is a PCIe port decides the answer.
   */
  private void noteUnknownBridges(PciDevice device, Map<PciAddress, PciDmaAliases.BridgeKind> kinds, long smmuOffset,
      List<InputNote> notes) {
    List<PciAddress> chain = device.upstreamBridges();
    for (PciAddress bridge : PciDmaAliases.unknownBridges(device, kinds)) {
      int i = chain.indexOf(bridge);
      int secondaryBus = i + 1 < chain.size() ? chain.get(i + 1).bus() : device.address().bus();
      for (int rid : List.of(bridge.requesterId(), secondaryBus << 8)) {
        Optional<Hit> hit = rootComplex(device.address()).flatMap(rc -> mapId(rc, rid, ArmRegionBuilder::isIommu,
            new ArrayList<>()));
        if (hit.isPresent() && hit.get().node().offset() == smmuOffset
            && !rmrRegions(smmuOffset, List.of(hit.get().id()), new ArrayList<>()).isEmpty()) {
          notes.add(InputNote.note(source, Position.whole(), "bridge " + bridge + " above " + device.address()
              + " is of unknown kind (sysfs showed no PCI Express capability for it): taken as a PCIe port, which"
              + " adds no DMA alias; were it a PCIe-to-PCI or conventional bridge, alias 0x" + Integer.toHexString(rid)
              + " (stream ID 0x" + Long.toHexString(hit.get().id()) + ") would add RMR regions (pci_for_each_dma_alias)"));
          break;
        }
      }
    }
  }

  /**
   * {@code arm_smmu_get_resv_regions} for a device whose fwspec names the SMMU node at {@code
   * smmuOffset} and the stream IDs {@code streamIds} (u32 values): the SW_MSI window, then its RMR
   * regions.
   *
   * @throws IllegalArgumentException when no SMMU node starts at {@code smmuOffset}
   */
  public Read<List<Region>> regionsForStreams(long smmuOffset, List<Long> streamIds) {
    List<InputNote> notes = new ArrayList<>();
    List<Region> regions = regionsForStreams(smmuOffset, streamIds, notes);
    return new Read<>(regions, notes);
  }

  private List<Region> regionsForStreams(long smmuOffset, List<Long> streamIds, List<InputNote> notes) {
    IortNode smmu = table.nodeAt(smmuOffset)
        .filter(n -> n instanceof IortNode.Smmu || n instanceof IortNode.SmmuV3)
        .orElseThrow(() -> new IllegalArgumentException("no SMMU node at offset 0x" + Long.toHexString(smmuOffset)));
    List<Region> out = new ArrayList<>();
    out.add(swMsi());
    out.addAll(msiRegions(smmu.offset(), streamIds, notes));
    out.addAll(rmrRegions(smmuOffset, streamIds, notes));
    return out;
  }

  /**
   * {@code iort_iommu_msi_get_resv_regions} ({@code iort_get_msi_resv_iommu}): only for an SMMUv3 of
   * model HiSilicon Hi161x ({@code ACPI_IORT_SMMU_V3_HISILICON_HI161X}), whose MSIs bypass
   * translation. The first stream ID that maps from the SMMU node to an ITS group ({@code
   * iort_node_map_id} with {@code IORT_MSI_TYPE}) decides the group; each of its ITS identifiers
   * that the MADT registers ({@code iort_find_its_base}) gives an {@code msi} region {@code [base +
   * 64 KiB, +64 KiB)}, prot WRITE|NOEXEC|MMIO. An identifier the MADT lacks gives nothing, as in
   * the kernel, with a note.
   */
  private List<Region> msiRegions(long smmuOffset, List<Long> streamIds, List<InputNote> notes) {
    IortNode smmu = table.nodeAt(smmuOffset).orElseThrow();
    if (!(smmu instanceof IortNode.SmmuV3 v3) || v3.model() != IortNode.SmmuV3.MODEL_HISILICON_HI161X) {
      return List.of();
    }
    Optional<IortNode.ItsGroup> group = Optional.empty();
    for (long id : streamIds) {
      group = mapId(smmu, id, n -> n instanceof IortNode.ItsGroup, notes).map(h -> (IortNode.ItsGroup) h.node());
      if (group.isPresent()) {
        break;
      }
    }
    if (group.isEmpty()) {
      return List.of();
    }
    if (madt.isEmpty()) {
      notes.add(InputNote.note(source, Position.offset(smmuOffset), "SMMUv3 model HiSilicon Hi161x: the kernel also"
          + " reserves the translation page of each ITS of group 0x" + Long.toHexString(group.get().offset())
          + " as an msi region (iort_iommu_msi_get_resv_regions); left out: no MADT gives the ITS base addresses"));
      return List.of();
    }
    List<Region> regions = new ArrayList<>();
    for (long itsId : group.get().itsIdentifiers()) {
      Optional<MadtTable.GicIts> its = madt.get().its(itsId);
      if (its.isEmpty()) {
        notes.add(InputNote.note(source, Position.offset(group.get().offset()), "ITS group at 0x"
            + Long.toHexString(group.get().offset()) + " names ITS " + itsId + ", which the MADT does not list:"
            + " the kernel reserves no msi region for it (iort_find_its_base fails)"));
        continue;
      }
      long start = its.get().baseAddress() + ITS_TRANSLATER_OFFSET;
      if (Long.compareUnsigned(start, its.get().baseAddress()) < 0
          || Long.compareUnsigned(start + ITS_MSI_LENGTH - 1, start) < 0) {
        notes.add(InputNote.warning(source, Position.offset(group.get().offset()), "ITS " + itsId + " at base 0x"
            + Long.toHexString(its.get().baseAddress()) + ": its translation page would pass the top of the address"
            + " space; no msi region"));
        continue;
      }
      regions.add(new Region(start, ITS_MSI_LENGTH, RegionType.MSI, Prot.MSI_DOORBELL, RegionSource.MSI_WINDOW));
    }
    return regions;
  }

  private static Region swMsi() {
    return new Region(MSI_IOVA_BASE, MSI_IOVA_LENGTH, RegionType.SW_MSI, Prot.MSI_DOORBELL, RegionSource.SW_MSI);
  }

  /**
   * {@code iort_find_rmrs}: every RMR node, in table order; nothing before v6.0, which has no RMR
   * support. Its revision check is the reader's: a table below {@link
   * dev.resvc.runtime.firmware.IortReader#RMR_MIN_REVISION} holds no {@code Rmr}.
   */
  private List<Region> rmrRegions(long smmuOffset, List<Long> streamIds, List<InputNote> out) {
    List<Region> regions = new ArrayList<>();
    if (!KernelEra.IORT_RMR.in(release)) {
      return regions;
    }
    for (IortNode.Rmr rmr : table.rmrs()) {
      nodeRmrInfo(rmr, smmuOffset, streamIds, regions, out);
    }
    return regions;
  }

  /** {@code iort_node_get_rmr_info} with a device. */
  private void nodeRmrInfo(IortNode.Rmr rmr, long smmuOffset, List<Long> streamIds, List<Region> regions,
      List<InputNote> out) {
    if (rmr.header().mappingOffset() == 0 || rmr.header().mappingCount() == 0) {
      out.add(InputNote.warning(source, Position.offset(rmr.offset()),
          FW_BUG + "Invalid ID mapping, skipping RMR node at 0x" + Long.toHexString(rmr.offset())));
      return;
    }
    if (rmr.rangeOffset() == 0 || rmr.rangeCount() == 0) {
      return;
    }
    boolean selected = false;
    boolean skipSingleIds = !KernelEra.IORT_RMR_SINGLE_ID.in(release); // "if (!map->id_count) continue;" until 003e6b56d780
    for (IdMapping map : rmr.mappings()) {
      if (map.outputReference() != smmuOffset || skipSingleIds && map.idCount() == 0) {
        continue;
      }
      long last = (map.outputBase() + map.idCount()) & U32;
      for (long id : streamIds) {
        long sid = id & U32;
        if (sid >= map.outputBase() && sid <= last) {
          selected = true;
        }
      }
    }
    if (selected) {
      getRmrs(rmr, regions, out);
    }
  }

  /** {@code iort_get_rmrs}: the overlap and zero-length check, then one region per descriptor. */
  private void getRmrs(IortNode.Rmr rmr, List<Region> regions, List<InputNote> out) {
    List<RmrRange> ranges = rmr.ranges();
    for (int i = 0; i < ranges.size(); i++) { // iort_rmr_desc_check_overlap
      long start = ranges.get(i).base();
      long length = ranges.get(i).length();
      if (length == 0) {
        out.add(InputNote.warning(source, Position.offset(rmr.rangeTableOffset(i)),
            FW_BUG + "RMR descriptor[0x" + Long.toHexString(start) + "] with zero length, continue anyway"));
        continue;
      }
      long end = start + length - 1;
      for (int j = i + 1; j < ranges.size(); j++) {
        long eStart = ranges.get(j).base();
        long eEnd = eStart + ranges.get(j).length() - 1;
        if (Long.compareUnsigned(start, eEnd) <= 0 && Long.compareUnsigned(end, eStart) >= 0) {
          out.add(InputNote.warning(source, Position.offset(rmr.rangeTableOffset(i)),
              FW_BUG + "RMR descriptor[0x" + Long.toHexString(start) + " - 0x" + Long.toHexString(end)
                  + "] overlaps, continue anyway"));
        }
      }
    }
    RegionType type = rmr.remapPermitted() ? RegionType.DIRECT_RELAXABLE : RegionType.DIRECT;
    Prot prot = rmrProt(rmr.flags());
    for (int i = 0; i < ranges.size(); i++) {
      long base = ranges.get(i).base();
      long length = ranges.get(i).length();
      long addr = base;
      long size = length;
      if ((base & (RMR_ALIGNMENT - 1)) != 0 || (length & (RMR_ALIGNMENT - 1)) != 0) {
        addr = U64.alignDown(base, pageSize);
        size = pageAlignedSize(base, length, pageSize);
        out.add(InputNote.warning(source, Position.offset(rmr.rangeTableOffset(i)),
            FW_BUG + "RMR descriptor[0x" + Long.toHexString(base) + " - 0x" + Long.toHexString(base + length - 1)
                + "] not aligned to 64K, continue with [0x" + Long.toHexString(addr) + " - 0x"
                + Long.toHexString(addr + size - 1) + "]"));
        long bigAddr = U64.alignDown(base, RMR_ALIGNMENT);
        long bigSize = pageAlignedSize(base, length, RMR_ALIGNMENT);
        if (!pageSizeKnown && (bigAddr != addr || bigSize != size)) {
          out.add(InputNote.note(source, Position.offset(rmr.rangeTableOffset(i)), "the kernel's PAGE_SIZE is not"
              + " known: the region is aligned to an assumed 4 KiB page; a 64 KiB-page kernel makes it [0x"
              + Long.toHexString(bigAddr) + " - 0x" + Long.toHexString(bigAddr + bigSize - 1) + "]"));
        }
      }
      regions.add(new Region(addr, size, type, prot, RegionSource.IORT_RMR));
    }
  }

  /** {@code PAGE_ALIGN(size + offset_in_page(base))} in {@code iort_rmr_alloc} (u64 arithmetic). */
  private static long pageAlignedSize(long base, long length, long page) {
    return U64.alignUp(length + (base & (page - 1)), page);
  }

  /**
   * The prot bits {@code iort_get_rmrs} gives an RMR node's regions: READ|WRITE, PRIV for flag bit 1,
   * MMIO for access attributes 0..3 (device memory), CACHE for attribute 5 (normal write-back).
   */
  public static Prot rmrProt(long flags) {
    int prot = Prot.READ | Prot.WRITE;
    if ((flags & 2) != 0) {
      prot |= Prot.PRIV;
    }
    long attributes = (flags >>> 2) & 0xff;
    if (attributes <= 3) {
      prot |= Prot.MMIO;
    } else if (attributes == 5) {
      prot |= Prot.CACHE;
    }
    return new Prot(prot);
  }

  // --- stream IDs ---

  /**
   * {@code iort_iommu_configure_id} for a PCI function's own requester ID: the first root complex
   * node of its segment ({@code iort_scan_node}) maps it, through {@code iort_node_map_id}, to an
   * SMMU node and a stream ID. Whether the SMMU driver serves the function at all is decided here;
   * {@link #streamsForPci(PciDevice, Map)} adds the stream IDs of its DMA aliases.
   */
  public Read<Optional<StreamBinding>> streamsForPci(PciAddress address) {
    List<InputNote> notes = new ArrayList<>();
    Optional<StreamBinding> binding = rootComplex(address).flatMap(rc -> mapId(rc, address.requesterId(),
        ArmRegionBuilder::isIommu, notes)).map(hit -> new StreamBinding(hit.node().offset(), List.of(hit.id())));
    return new Read<>(binding, notes);
  }

  /**
   * {@code iort_iommu_configure_id} for a PCI function: {@code pci_for_each_dma_alias} calls {@code
   * iort_pci_iommu_init} for each alias ({@link PciDmaAliases#of}, bridges of the kinds {@code
   * bridgeKinds} gives), which maps it through the segment's root complex to an SMMU and adds the
   * stream ID to the fwspec ({@code iort_iommu_xlate} → {@code iommu_fwspec_add_ids}). The walk stops
   * at the first alias that reaches no SMMU, or another SMMU than the first ({@code
   * iommu_fwspec_init} refuses a second IOMMU); a warning says so, since the kernel then fails to
   * configure the function. The stream IDs are in alias order, each once.
   */
  public Read<Optional<StreamBinding>> streamsForPci(PciDevice device,
      Map<PciAddress, PciDmaAliases.BridgeKind> bridgeKinds) {
    List<InputNote> notes = new ArrayList<>();
    Optional<StreamBinding> binding = streamsForPci(device, bridgeKinds, notes);
    return new Read<>(binding, notes);
  }

  private Optional<StreamBinding> streamsForPci(PciDevice device, Map<PciAddress, PciDmaAliases.BridgeKind> kinds,
      List<InputNote> notes) {
    Optional<IortNode.RootComplex> rc = rootComplex(device.address());
    if (rc.isEmpty()) {
      return Optional.empty();
    }
    Long smmu = null;
    List<Long> ids = new ArrayList<>();
    for (PciDmaAliases.Alias alias : PciDmaAliases.of(device, kinds)) {
      Optional<Hit> hit = mapId(rc.get(), alias.requesterId(), ArmRegionBuilder::isIommu, notes);
      if (hit.isEmpty() || smmu != null && smmu != hit.get().node().offset()) {
        if (smmu != null) {
          notes.add(InputNote.warning(source, Position.offset(rc.get().offset()), "DMA alias 0x"
              + Integer.toHexString(alias.requesterId()) + " of " + device.address() + " (from bridge " + alias.bridge()
              + ") reaches " + (hit.isEmpty() ? "no SMMU" : "another SMMU") + " through the root complex at 0x"
              + Long.toHexString(rc.get().offset()) + ": the kernel fails to configure the device's IOMMU there"
              + " (iort_pci_iommu_init); the stream IDs before it are kept"));
        }
        break;
      }
      smmu = hit.get().node().offset();
      if (!ids.contains(hit.get().id())) {
        ids.add(hit.get().id());
      }
    }
    return smmu == null ? Optional.empty() : Optional.of(new StreamBinding(smmu, ids));
  }

  /** {@code iort_match_node_callback}: the first root complex node of the address's PCI segment. */
  private Optional<IortNode.RootComplex> rootComplex(PciAddress address) {
    return table.nodes(IortNode.RootComplex.class).stream()
        .filter(r -> r.pciSegment() == address.segment())
        .findFirst();
  }

  /**
   * {@code iort_nc_iommu_map} for the first named component whose device name is {@code deviceName}
   * ({@code \_SB_.DPU0}): the output of each single mapping, index 0, 1, ..., until one maps nowhere
   * or to another SMMU than the first ({@code iommu_fwspec_init} refuses a second IOMMU).
   */
  public Read<Optional<StreamBinding>> streamsForNamedComponent(String deviceName) {
    List<InputNote> notes = new ArrayList<>();
    Optional<StreamBinding> binding = streamsForNamedComponent(deviceName, notes);
    return new Read<>(binding, notes);
  }

  private Optional<StreamBinding> streamsForNamedComponent(String deviceName, List<InputNote> notes) {
    Optional<IortNode.NamedComponent> nc = table.nodes(IortNode.NamedComponent.class).stream()
        .filter(c -> c.deviceName().equals(deviceName))
        .findFirst();
    if (nc.isEmpty()) {
      return Optional.empty();
    }
    IortNode node = nc.get();
    Long smmu = null;
    List<Long> ids = new ArrayList<>();
    for (int index = 0; ; index++) {
      Optional<Hit> hit = mapPlatformId(node, index, notes);
      if (hit.isEmpty()) {
        break;
      }
      if (smmu != null && smmu != hit.get().node().offset()) {
        break;
      }
      smmu = hit.get().node().offset();
      ids.add(hit.get().id());
    }
    return smmu == null ? Optional.empty() : Optional.of(new StreamBinding(smmu, ids));
  }

  private record Hit(IortNode node, long id) {}

  private static boolean isIommu(IortNode n) {
    return n instanceof IortNode.Smmu || n instanceof IortNode.SmmuV3;
  }

  /** {@code iort_node_map_platform_id} with the IOMMU type mask. */
  private Optional<Hit> mapPlatformId(IortNode node, int index, List<InputNote> notes) {
    Optional<Hit> first = nodeGetId(node, index, notes);
    if (first.isEmpty() || isIommu(first.get().node())) {
      return first;
    }
    return mapId(first.get().node(), first.get().id(), ArmRegionBuilder::isIommu, notes);
  }

  /** {@code iort_node_get_id}: only a single mapping yields an ID here. */
  private Optional<Hit> nodeGetId(IortNode node, int index, List<InputNote> notes) {
    if (node.header().mappingOffset() == 0 || index >= node.mappings().size()) {
      return Optional.empty();
    }
    IdMapping map = node.mappings().get(index);
    if (map.outputReference() == 0) {
      warn(node, FW_BUG + "[node 0x" + Long.toHexString(node.offset()) + " type " + node.type()
          + "] ID map has NULL parent reference", notes);
      return Optional.empty();
    }
    Optional<IortNode> parent = parent(node, map.outputReference(), notes);
    if (parent.isEmpty() || !map.singleMapping()) {
      return Optional.empty();
    }
    int t = node.type();
    if (t == IortNode.TYPE_NAMED_COMPONENT || t == IortNode.TYPE_ROOT_COMPLEX || t == IortNode.TYPE_SMMU_V3
        || t == IortNode.TYPE_PMCG) {
      return Optional.of(new Hit(parent.get(), map.outputBase()));
    }
    return Optional.empty();
  }

  /**
   * {@code iort_node_map_id}: follows ID mappings from {@code start} until a node of the type mask
   * {@code target} ({@code IORT_IOMMU_TYPE}: an SMMU; {@code IORT_MSI_TYPE}: an ITS group). The kernel
   * would loop forever on a cycle; here the walk gives up after visiting as many nodes as the table has.
   */
  private Optional<Hit> mapId(IortNode start, long idIn, Predicate<IortNode> target, List<InputNote> notes) {
    IortNode node = start;
    long id = idIn & U32;
    for (int steps = 0; ; steps++) {
      if (target.test(node)) {
        return Optional.of(new Hit(node, id));
      }
      if (steps > table.nodes().size()) {
        warn(start, "ID mappings from node 0x" + Long.toHexString(start.offset()) + " form a cycle (the kernel would"
            + " loop forever)", notes);
        return Optional.empty();
      }
      List<IdMapping> maps = node.mappings();
      if (node.header().mappingOffset() == 0 || maps.isEmpty()) {
        return Optional.empty();
      }
      if (maps.get(0).outputReference() == 0) {
        warn(node, FW_BUG + "[node 0x" + Long.toHexString(node.offset()) + " type " + node.type()
            + "] ID map has NULL parent reference", notes);
        return Optional.empty();
      }
      int index = idMappingIndex(node, notes);
      long mapId = id;
      long outRef = 0;
      int rc = 0;
      IdMapping matched = null;
      int i;
      for (i = 0; i < maps.size(); i++) {
        if (i == index) {
          continue;
        }
        IdMapping map = maps.get(i);
        long[] result = idMap(node, map, mapId, outRef != 0, notes);
        rc = (int) result[0];
        if (result[0] != ENXIO) {
          id = result[1];
        }
        if (rc == 0) {
          matched = map;
          break;
        }
        if (rc == EAGAIN) {
          outRef = map.outputReference();
        }
      }
      if (i == maps.size() && outRef == 0) {
        return Optional.empty();
      }
      long next = rc != 0 ? outRef : matched.outputReference();
      Optional<IortNode> parent = parent(node, next, notes);
      if (parent.isEmpty()) {
        return Optional.empty();
      }
      node = parent.get();
    }
  }

  private static final int ENXIO = -6;
  private static final int EAGAIN = -11;

  /** {@code iort_id_map}: {rc, output id}; all IDs are u32. */
  private long[] idMap(IortNode node, IdMapping map, long ridIn, boolean checkOverlap, List<InputNote> notes) {
    int type = node.type();
    if (map.singleMapping()) {
      if (type == IortNode.TYPE_NAMED_COMPONENT || type == IortNode.TYPE_ROOT_COMPLEX) {
        return new long[] {0, map.outputBase()};
      }
      warn(node, FW_BUG + "[map in node 0x" + Long.toHexString(node.offset()) + "] SINGLE MAPPING flag not allowed"
          + " for node type " + type + ", skipping ID map", notes);
      return new long[] {ENXIO, 0};
    }
    long last = (map.inputBase() + map.idCount()) & U32;
    if (ridIn < map.inputBase() || ridIn > last) {
      return new long[] {ENXIO, 0};
    }
    if (checkOverlap) {
      warn(node, FW_BUG + "[map in node 0x" + Long.toHexString(node.offset()) + "] conflicting mapping for input ID 0x"
          + Long.toHexString(ridIn), notes);
      if (ridIn != map.inputBase()) {
        return new long[] {ENXIO, 0};
      }
      warn(node, FW_BUG + "applying workaround.", notes);
    }
    long out = (map.outputBase() + (ridIn - map.inputBase())) & U32;
    if (map.idCount() > 0 && ridIn == last) {
      return new long[] {EAGAIN, out};
    }
    return new long[] {0, out};
  }

  /** {@code iort_get_id_mapping_index}: the mapping reserved for the node's own MSIs, or -1. */
  private int idMappingIndex(IortNode node, List<InputNote> notes) {
    if (node instanceof IortNode.SmmuV3 s) {
      if (s.revision() < 1) {
        return -1;
      }
      if (s.eventGsiv() != 0 && s.priGsiv() != 0 && s.gerrGsiv() != 0 && s.syncGsiv() != 0) {
        return -1;
      }
      if (s.idMappingIndex() >= s.header().mappingCount()) {
        warn(node, FW_BUG + "[node 0x" + Long.toHexString(node.offset()) + " type " + node.type()
            + "] ID mapping index overflows valid mappings", notes);
        return -1;
      }
      return (int) s.idMappingIndex();
    }
    if (node instanceof IortNode.Pmcg p) {
      return p.overflowGsiv() != 0 || p.header().mappingCount() == 0 ? -1 : 0;
    }
    return -1;
  }

  /** The node an output reference names; the kernel would read whatever lies there. */
  private Optional<IortNode> parent(IortNode from, long reference, List<InputNote> notes) {
    Optional<IortNode> parent = table.nodeAt(reference);
    if (parent.isEmpty()) {
      warn(from, "ID mapping of node 0x" + Long.toHexString(from.offset()) + " references offset 0x"
          + Long.toHexString(reference) + ", where no node starts", notes);
    }
    return parent;
  }

  private void warn(IortNode node, String message, List<InputNote> notes) {
    notes.add(InputNote.warning(source, Position.offset(node.offset()), message));
  }
}
