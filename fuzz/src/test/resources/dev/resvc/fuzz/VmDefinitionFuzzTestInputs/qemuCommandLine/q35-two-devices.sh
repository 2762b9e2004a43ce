qemu-system-x86_64 -machine pc-q35-8.2,max-ram-below-4g=1G -m 16G -cpu EPYC-v4 \
  -device vfio-pci,host=0000:03:00.0,id=raid -device vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:00:14.0 # usb
