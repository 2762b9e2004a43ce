qemu-system-aarch64 -M virt-9.0,highmem=off -m size=2G -device 'vfio-pci,host=01:00.0'
