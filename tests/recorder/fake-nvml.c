/* SPDX-License-Identifier: MIT
 *
 * A fake NVML for the recorder tests, loaded through
 * TIMECAPSULE_NVML_LIBRARY: two devices, "GPU-fake-0" with 1234 MiB in use
 * of 8192 MiB at 42 % and "GPU-fake-1" with 2345 MiB at 7 %.  Like a real
 * driver, the v1 memory call counts 300 MiB of reserved memory as used;
 * FAKE_NVML_NO_V2=1 makes the v2 call answer as an old driver does.
 */
#include <stdlib.h>
#include <string.h>

typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
    unsigned int version;
    unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct {
    unsigned int gpu, memory;
} nvmlUtilization_t;

enum {
    NVML_SUCCESS = 0,
    NVML_ERROR_INVALID_ARGUMENT = 2,
    NVML_ERROR_NOT_FOUND = 6,
    NVML_ERROR_FUNCTION_NOT_FOUND = 13,
    NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

typedef struct {
    const char *uuid;
    unsigned long long used_mib;
    unsigned int util;
} FakeDevice;

static FakeDevice devices[] = {
    {"GPU-fake-0", 1234, 42},
    {"GPU-fake-1", 2345, 7},
};

static const unsigned long long total_mib = 8192, reserved_mib = 300;

int nvmlInit_v2(void);
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device);
int nvmlDeviceGetHandleByUUID(const char *uuid, void **device);
int nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory);
int nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *memory);
int nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util);

int
nvmlInit_v2(void)
{
    return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device)
{
    if (index >= sizeof(devices) / sizeof(devices[0])) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = &devices[index];
    return NVML_SUCCESS;
}

int
nvmlDeviceGetHandleByUUID(const char *uuid, void **device)
{
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++) {
        if (strcmp(uuid, devices[i].uuid) == 0) {
            *device = &devices[i];
            return NVML_SUCCESS;
        }
    }
    return NVML_ERROR_NOT_FOUND;
}

int
nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory)
{
    const FakeDevice *d = device;
    memory->total = total_mib << 20;
    memory->used = (d->used_mib + reserved_mib) << 20;
    memory->free = memory->total - memory->used;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetMemoryInfo_v2(void *device, nvmlMemory_v2_t *memory)
{
    const FakeDevice *d = device;
    const char *no_v2 = getenv("FAKE_NVML_NO_V2");
    if (no_v2 != NULL && *no_v2 == '1') {
        return NVML_ERROR_FUNCTION_NOT_FOUND;
    }
    if (memory->version != (sizeof(*memory) | (2u << 24))) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    memory->total = total_mib << 20;
    memory->reserved = reserved_mib << 20;
    memory->used = d->used_mib << 20;
    memory->free = memory->total - memory->reserved - memory->used;
    return NVML_SUCCESS;
}

int
nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util)
{
    const FakeDevice *d = device;
    util->gpu = d->util;
    util->memory = 17;
    return NVML_SUCCESS;
}
