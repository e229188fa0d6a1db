/* SPDX-License-Identifier: MIT
 *
 * A fake NVML for the recorder tests: one device with 1234 MiB used of
 * 8192 MiB and 42 % utilization.  Loaded through TIMECAPSULE_NVML_LIBRARY.
 */
typedef struct {
    unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
    unsigned int gpu, memory;
} nvmlUtilization_t;

int nvmlInit_v2(void);
int nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device);
int nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory);
int nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util);

static int the_device;

int
nvmlInit_v2(void)
{
    return 0;
}

int
nvmlDeviceGetHandleByIndex_v2(unsigned int index, void **device)
{
    if (index != 0) {
        return 2;   /* NVML_ERROR_INVALID_ARGUMENT */
    }
    *device = &the_device;
    return 0;
}

int
nvmlDeviceGetMemoryInfo(void *device, nvmlMemory_t *memory)
{
    memory->total = 8192ull << 20;
    memory->used = 1234ull << 20;
    memory->free = memory->total - memory->used;
    return 0;
}

int
nvmlDeviceGetUtilizationRates(void *device, nvmlUtilization_t *util)
{
    util->gpu = 42;
    util->memory = 17;
    return 0;
}
