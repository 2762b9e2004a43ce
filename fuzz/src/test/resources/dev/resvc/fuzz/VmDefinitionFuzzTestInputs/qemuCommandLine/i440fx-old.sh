qemu-system-x86_64 -m 4096 -M pc-i440fx-1.7
