#include <catch2/catch.hpp>

#include "storage/block_devices.h"

using b2c::storage::Bus;
using b2c::storage::bus_from_sysfs_path;
using b2c::storage::partition_name;

TEST_CASE("the bus comes from the sysfs device path")
{
    CHECK(bus_from_sysfs_path("/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1") == Bus::nvme);
    CHECK(bus_from_sysfs_path("/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda") ==
          Bus::sata_scsi);
    CHECK(bus_from_sysfs_path("/sys/devices/pci0000:00/0000:00:04.0/virtio1/block/vda") == Bus::virtio);
    // virtio-scsi: the virtio transport wins over the SCSI host in the path.
    CHECK(bus_from_sysfs_path("/sys/devices/pci0000:00/0000:00:05.0/virtio2/host2/target2:0:0/2:0:0:0/block/sdb") ==
          Bus::virtio);
    // A USB-SATA bridge is USB, not SATA.
    CHECK(bus_from_sysfs_path(
              "/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdc") == Bus::usb);
    CHECK(bus_from_sysfs_path("/sys/devices/platform/fe320000.mmc/mmc_host/mmc1/mmc1:0001/block/mmcblk1") == Bus::mmc);
    CHECK(bus_from_sysfs_path("/sys/devices/virtual/block/loop0") == Bus::other);
}

TEST_CASE("partition node names follow the kernel's rule")
{
    CHECK(partition_name("sda", 1) == "sda1");
    CHECK(partition_name("vdb", 12) == "vdb12");
    CHECK(partition_name("nvme0n1", 2) == "nvme0n1p2");
    CHECK(partition_name("mmcblk0", 1) == "mmcblk0p1");
    CHECK(partition_name("loop7", 3) == "loop7p3");
}
