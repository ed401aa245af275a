#include "storage/disk.h"

namespace b2c::storage {

std::string_view bus_name(Bus bus)
{
    switch (bus) {
    case Bus::nvme: return "nvme";
    case Bus::sata_scsi: return "sata/scsi";
    case Bus::virtio: return "virtio";
    case Bus::other: return "other";
    case Bus::mmc: return "mmc";
    case Bus::usb: return "usb";
    }
    return "other";
}

std::string_view table_type_name(TableType table)
{
    switch (table) {
    case TableType::none: return "none";
    case TableType::gpt: return "gpt";
    case TableType::dos: return "dos";
    case TableType::unknown: return "unknown";
    }
    return "unknown";
}

}  // namespace b2c::storage
