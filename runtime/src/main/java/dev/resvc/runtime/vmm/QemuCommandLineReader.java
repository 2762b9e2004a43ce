package dev.resvc.runtime.vmm;

import dev.resvc.runtime.input.InputException;
import dev.resvc.runtime.input.MessageText;
import dev.resvc.runtime.input.Position;
import dev.resvc.runtime.model.PciAddress;
import dev.resvc.runtime.range.ByteSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a QEMU command line as people keep it in a script into a {@link VmDefinition}: words split
 * as a POSIX shell splits them (blanks, backslash-newline continuations, single and double quotes,
 * {@code #} comments), then the options that decide the guest map and the assigned devices: {@code
 * -machine}/{@code -M}, {@code -m}, {@code -device vfio-pci} and {@code -cpu}. Every other option is
 * skipped with its value. A malformed known option is an {@link InputException} at its line and
 * column.
 */
public final class QemuCommandLineReader {
  /** QEMU's RAM when {@code -m} is not given: MachineClass default_ram_size, 128 MiB (hw/core/machine.c). */
  static final long DEFAULT_RAM = 128L << 20;

  private QemuCommandLineReader() {}

  /** One shell word and where it starts. */
  record Token(String text, Position at) {}

  /**
   * What the options say about the VM; for a libvirt domain, what its {@code <qemu:commandline>}
   * adds to it.
   */
  record Options(Optional<String> machine, Position machineAt, OptionalLong ram, Position ramAt,
      OptionalLong maxRamBelow4g, Optional<String> cpu, List<VmDefinition.AssignedDevice> devices,
      List<String> notes) {
    Options {
      devices = List.copyOf(devices);
      notes = List.copyOf(notes);
    }
  }

  /** Reads a command-line file's text. */
  public static VmDefinition read(String text, String source) throws InputException {
    List<Token> words = words(text, source);
    Optional<String> arch = Optional.empty();
    for (Token w : words) {
      String base = w.text().substring(w.text().lastIndexOf('/') + 1);
      if (base.startsWith("qemu-system-")) {
        arch = Optional.of(base.substring("qemu-system-".length()));
        break;
      }
    }
    Options o = options(words, source);
    List<String> notes = new ArrayList<>();
    boolean arm = arch.filter(a -> a.equals("aarch64") || a.equals("arm")).isPresent();
    String machine;
    if (o.machine().isPresent()) {
      machine = o.machine().get();
    } else if (arm) {
      throw new InputException(source, Position.whole(),
          "no -machine: qemu-system-" + arch.get() + " has no default machine type (give -machine virt)");
    } else {
      machine = "pc";
      notes.add("no -machine: QEMU's default for x86, 'pc' (i440fx)");
    }
    VmDefinition.requireMachine(machine, source, o.machineAt());
    if (o.ram().isEmpty()) {
      notes.add("no -m: QEMU's default RAM, 128M");
    }
    notes.addAll(o.notes());
    return new VmDefinition(source, VmDefinition.Origin.QEMU_COMMAND_LINE, Optional.empty(), arch, machine,
        o.machineAt(), o.ram().orElse(DEFAULT_RAM), o.ramAt(), o.maxRamBelow4g(), o.cpu(), o.devices(), notes);
  }

  /**
   * The words of {@code text} as {@code sh} splits them, without expanding anything: {@code $VAR}
   * stays as written (and is then refused where a value must be read).
   */
  static List<Token> words(String text, String source) throws InputException {
    List<Token> out = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    Position start = null;
    int line = 1;
    int column = 1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      Position here = Position.line(line, column);
      if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        i += 2;
        line++;
        column = 1;
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';') {
        if (start != null) {
          out.add(new Token(word.toString(), start));
          word.setLength(0);
          start = null;
        }
        i++;
        if (c == '\n') {
          line++;
          column = 1;
        } else {
          column++;
        }
        continue;
      }
      if (c == '#' && start == null) {
        while (i < text.length() && text.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      if (start == null) {
        start = here;
      }
      if (c == '\'' || c == '"') {
        int j = i + 1;
        int l = line;
        int col = column + 1;
        while (j < text.length() && text.charAt(j) != c) {
          char d = text.charAt(j);
          if (c == '"' && d == '\\' && j + 1 < text.length() && "\"\\$`\n".indexOf(text.charAt(j + 1)) >= 0) {
            if (text.charAt(j + 1) == '\n') {
              l++;
              col = 1;
            } else {
              word.append(text.charAt(j + 1));
              col += 2;
            }
            j += 2;
            continue;
          }
          word.append(d);
          if (d == '\n') {
            l++;
            col = 1;
          } else {
            col++;
          }
          j++;
        }
        if (j >= text.length()) {
          throw new InputException(source, here, "the " + (c == '"' ? "double" : "single") + " quote here is"
              + " never closed");
        }
        i = j + 1;
        line = l;
        column = col + 1;
        continue;
      }
      if (c == '\\' && i + 1 < text.length()) {
        word.append(text.charAt(i + 1));
        i += 2;
        column += 2;
        continue;
      }
      word.append(c);
      i++;
      column++;
    }
    if (start != null) {
      out.add(new Token(word.toString(), start));
    }
    return out;
  }

  /**
   * The options among {@code words} that resvc reads; any other word starting with {@code -} is an
   * option skipped with its value (the next word, unless that is an option too).
   */
  static Options options(List<Token> words, String source) throws InputException {
    Optional<String> machine = Optional.empty();
    Position machineAt = Position.whole();
    OptionalLong ram = OptionalLong.empty();
    Position ramAt = Position.whole();
    OptionalLong below4g = OptionalLong.empty();
    Optional<String> cpu = Optional.empty();
    List<VmDefinition.AssignedDevice> devices = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      Token w = words.get(i);
      if (!w.text().startsWith("-") || w.text().length() < 2) {
        continue;
      }
      String option = w.text().startsWith("--") ? w.text().substring(1) : w.text();
      boolean known = List.of("-machine", "-M", "-m", "-device", "-cpu").contains(option);
      if (!known) {
        if (i + 1 < words.size() && !words.get(i + 1).text().startsWith("-")) {
          i++;
        }
        continue;
      }
      if (i + 1 >= words.size()) {
        throw new InputException(source, w.at(), option + " needs a value");
      }
      Token value = words.get(++i);
      switch (option) {
        case "-machine", "-M" -> {
          for (String[] kv : keyValues(value.text(), "type")) {
            if (kv[0].equals("type")) {
              machine = Optional.of(kv[1]);
              machineAt = value.at();
            } else if (kv[0].equals("max-ram-below-4g")) {
              below4g = OptionalLong.of(size(kv[1], false, value, "max-ram-below-4g", source));
            }
          }
        }
        case "-m" -> {
          for (String[] kv : keyValues(value.text(), "size")) {
            switch (kv[0]) {
              case "size" -> {
                ram = OptionalLong.of(size(kv[1], true, value, "-m", source));
                ramAt = value.at();
              }
              case "maxmem", "slots" -> notes.add("-m " + kv[0] + "=" + MessageText.clean(kv[1])
                  + ": the memory hotplug area above RAM; the boot map is laid out for -m size");
              default -> throw new InputException(source, value.at(), "-m: unknown option "
                  + MessageText.quote(kv[0]) + " (QEMU's -m takes size, slots and maxmem)");
            }
          }
          if (ram.isPresent() && ram.getAsLong() == 0) {
            throw new InputException(source, value.at(), "-m: a guest needs some RAM");
          }
        }
        case "-device" -> device(keyValues(value.text(), "driver"), value, source).ifPresent(devices::add);
        case "-cpu" -> cpu = get(keyValues(value.text(), "model"), "model");
        default -> throw new IllegalStateException(option);
      }
    }
    return new Options(machine, machineAt, ram, ramAt, below4g, cpu, devices, notes);
  }

  /**
   * A size as QEMU's qemu_strtosz reads it (util/cutils.c): a number with an optional suffix {@code
   * B K M G T P E}, bytes without one; for {@code -m}, a number ending in a digit is MiB (system/vl.c
   * parse_memory_options: "Fix up legacy suffix-less format").
   */
  private static long size(String text, boolean mibWithoutSuffix, Token at, String what, String source)
      throws InputException {
    String t = text.strip();
    boolean bare = !t.isEmpty() && Character.isDigit(t.charAt(t.length() - 1));
    if (bare && mibWithoutSuffix) {
      t = t + "M";
    } else if (t.length() > 1 && (t.endsWith("B") || t.endsWith("b")) && Character.isDigit(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1);
    }
    try {
      return ByteSize.parse(t);
    } catch (NumberFormatException e) {
      throw new InputException(source, at.at(), what + ": " + MessageText.quote(text)
          + " is not a size QEMU reads here (e.g. 16G, 16384 for MiB, 0x1000)");
    }
  }

  /**
   * A {@code -device vfio-pci} (or {@code vfio-pci-nohotplug}) and the host function it takes:
   * {@code host=[DDDD:]BB:DD.F} (hw/vfio/pci.c's "host" property, read by qdev's PCI host address
   * parser, domain 0 when left out) or {@code sysfsdev=/sys/bus/pci/devices/DDDD:BB:DD.F}; empty
   * for any other device.
   */
  private static Optional<VmDefinition.AssignedDevice> device(List<String[]> parts, Token value, String source)
      throws InputException {
    String driver = get(parts, "driver").orElse("");
    if (!driver.equals("vfio-pci") && !driver.equals("vfio-pci-nohotplug")) {
      return Optional.empty();
    }
    Optional<String> host = Optional.empty();
    Optional<String> alias = Optional.empty();
    for (String[] kv : parts) {
      switch (kv[0]) {
        case "host" -> host = Optional.of(kv[1]);
        case "sysfsdev" -> host = Optional.of(kv[1].substring(kv[1].lastIndexOf('/') + 1));
        case "id" -> alias = Optional.of(kv[1]);
        default -> { }
      }
    }
    String address = host.orElseThrow(() -> new InputException(source, value.at(),
        "-device " + driver + " names no host device (give host=DDDD:BB:DD.F or sysfsdev=/sys/bus/pci/devices/...)"));
    try {
      return Optional.of(new VmDefinition.AssignedDevice(PciAddress.parse(address), value.at(), "-device " + driver,
          alias));
    } catch (IllegalArgumentException e) {
      throw new InputException(source, value.at(), "-device " + driver + ": " + e.getMessage());
    }
  }

  /**
   * An option value as QEMU's QemuOpts splits it: {@code ,} between parameters ({@code ,,} is a
   * comma), {@code key=value}, a bare later parameter a flag ({@code on}), and a first parameter
   * without {@code =} the value of the option's implied key ({@code type} of -machine, {@code size}
   * of -m, {@code driver} of -device, {@code model} of -cpu).
   */
  private static List<String[]> keyValues(String value, String impliedKey) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == ',' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
        part.append(',');
        i++;
      } else if (c == ',') {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      String p = parts.get(i);
      int eq = p.indexOf('=');
      if (eq < 0) {
        out.add(i == 0 ? new String[] {impliedKey, p} : new String[] {p, "on"});
      } else {
        out.add(new String[] {p.substring(0, eq), p.substring(eq + 1)});
      }
    }
    return out;
  }

  /** The value of {@code key} among {@code parts}, the last one written winning as in QemuOpts. */
  private static Optional<String> get(List<String[]> parts, String key) {
    Optional<String> found = Optional.empty();
    for (String[] kv : parts) {
      if (kv[0].equals(key)) {
        found = Optional.of(kv[1]);
      }
    }
    return found;
  }
}
