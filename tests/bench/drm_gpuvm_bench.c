// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Micro-benchmarks of the DRM GPU VA manager (drm_gpuvm), for `make bench`.
 *
 * This file is not part of the mailed series. scripts/bench.sh copies it into
 * drivers/gpu/drm/tests/ of two worktrees of its own, the base kernel and the
 * base kernel with the series applied, adds it to that directory's Makefile
 * there, builds both as UML KUnit kernels with the non-debug fragment
 * tests/bench/bench.config and runs them alternately, pinned to one CPU.
 * scripts/bench-report.py compares the figures.
 *
 * Every measurement prints one line:
 *
 *	bench: <op> n=<N> ns_per_op=<X> iters=<I>
 *
 * <I> operations are timed per sample; <I> is calibrated by doubling until
 * one sample takes at least BENCH_SAMPLE_NS, and <X> is the median of
 * BENCH_SAMPLES samples. Operations that need setup per item (allocating and
 * linking a VA, creating a vm_bo) are timed in sections which leave the setup
 * out; the cost of one ktime_get_ns() call, measured once at suite init and
 * printed as the "clock" operation, is subtracted once per timed section.
 * Interrupts and preemption stay enabled. N is the problem size, 1 where
 * there is none.
 *
 * Both kernels:
 *
 *   sm_map, sm_unmap     drm_gpuvm_sm_map() / drm_gpuvm_sm_unmap() on a VM
 *                        holding N mappings, N = 100, 1000, 10000. The
 *                        request lies inside one mapping, so it splits it: one
 *                        remap (and the map). The step callbacks only count,
 *                        the VA tree is never modified and the calls repeat.
 *   bo_obtain_create     drm_gpuvm_bo_obtain_locked() + drm_gpuvm_bo_put() with
 *                        no vm_bo for the GEM: creates and destroys one.
 *   bo_obtain_find       the same with a vm_bo held: finds it, drops the ref.
 *   va_link_unlink       drm_gpuva_link() + drm_gpuva_unlink().
 *   unlink_defer_kfree   drm_gpuva_unlink_defer() + kfree() of the VA: what a
 *                        driver does in the signalling path of the base kernel.
 *   signal_path          base kernel: as unlink_defer_kfree; patched kernel:
 *                        drm_gpuva_unlink_defer_free(). The driver holds the
 *                        vm_bo, so no VA drops its last reference here.
 *   immediate_free       per item: drm_gpuva_unlink() + drm_gpuvm_bo_put() of
 *                        the vm_bo's last reference + kfree() of the VA, done
 *                        at once for N = 10, 100, 1000, 10000 items, each item
 *                        with its own GEM and vm_bo. Reported per item.
 *
 * Patched kernel only:
 *
 *   deferred_cleanup     drm_gpuvm_bo_deferred_cleanup() of the same N items,
 *                        queued by drm_gpuva_unlink_defer_free() with the
 *                        driver's vm_bo reference dropped. Reported per item.
 *   bo_obtain_create_weak  bo_obtain_create on a DRM_GPUVM_VA_WEAK_REF VM.
 *
 * The sm_*, obtain_locked and link/unlink paths use normal VMs, with the GEM's
 * dma-resv held where the API requires it; the signalling path, the deferred
 * cleanup and immediate_free use DRM_GPUVM_IMMEDIATE_MODE VMs and take the
 * GEM's gpuva.lock mutex around link and unlink.
 *
 * The patched-only measurements are compiled only if -DGPUVM_BENCH_PATCHED is
 * passed, together with one define per feature the patched drm_gpuvm.h
 * declares: GPUVM_BENCH_HAVE_WEAK_REF (DRM_GPUVM_VA_WEAK_REF) and
 * GPUVM_BENCH_HAVE_DEFER_FREE (drm_gpuva_alloc() and
 * drm_gpuva_unlink_defer_free()). scripts/bench.sh sets them in the
 * patched worktree only, so the base kernel builds the shared part alone.
 */

#include <kunit/test.h>

#include <linux/bits.h>
#include <linux/dma-resv.h>
#include <linux/ktime.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_gpuvm.h>
#include <drm/drm_kunit_helpers.h>

#if defined(GPUVM_BENCH_PATCHED) && defined(GPUVM_BENCH_HAVE_WEAK_REF)
#define BENCH_WEAK_REF
#endif

#if defined(GPUVM_BENCH_PATCHED) && defined(GPUVM_BENCH_HAVE_DEFER_FREE)
#define BENCH_DEFER_FREE
#endif

/* Each sample runs for at least this long. */
#define BENCH_SAMPLE_NS		(10 * NSEC_PER_MSEC)
/* Samples per measurement; the median is printed. */
#define BENCH_SAMPLES		5
/* Upper bound of the calibration, against a clock that does not advance. */
#define BENCH_MAX_ITERS		BIT_ULL(32)
/* VAs set up per timed section of the signalling path measurements. */
#define BENCH_CHUNK		1024

#define BENCH_VA_SIZE		((u64)SZ_64K)
#define BENCH_VM_RANGE		BIT_ULL(40)

/* The cost of one ktime_get_ns() call, subtracted once per timed section. */
static u64 bench_clock_ns;

struct bench_priv {
	struct drm_device *drm;
};

/* Counters of the mock driver's split/merge steps. */
struct bench_steps {
	unsigned long map;
	unsigned long remap;
	unsigned long unmap;
};

/*
 * One benchmark fixture: a VM, its GEM objects and whatever VAs and vm_bos
 * the measurement keeps. bench_fix_fini() releases all of it, also after a
 * failed assertion, since it runs as a KUnit action.
 */
struct bench_fix {
	struct drm_gpuvm *vm;

	/* GEM objects, one reference each held by the fixture. */
	struct drm_gem_object **objs;
	unsigned int nr_objs;

	/* Mappings inserted in the VM's VA tree. */
	struct drm_gpuva **tree;
	unsigned int nr_tree;

	/* A reference to the vm_bo of objs[0], or NULL. */
	struct drm_gpuvm_bo *vm_bo;

	/* A VA of objs[0] which is neither inserted nor linked, or NULL. */
	struct drm_gpuva *va;

	/*
	 * VAs linked but not inserted: to fix->vm_bo, or, if @own_bo, each to
	 * a vm_bo of its own which holds one more reference, the driver's.
	 */
	struct drm_gpuva **batch;
	unsigned int nr_batch;
	bool own_bo;

	struct bench_steps steps;
	struct drm_gpuvm_map_req req;
	u64 unmap_addr;
	u64 unmap_range;
};

typedef u64 (*bench_run_t)(struct bench_fix *fix, u64 iters, int *err);

static void bench_vm_free(struct drm_gpuvm *gpuvm)
{
	kfree(gpuvm);
}

static int bench_step_map(struct drm_gpuva_op *op, void *priv)
{
	struct bench_steps *steps = priv;

	steps->map++;
	return 0;
}

static int bench_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct bench_steps *steps = priv;

	steps->remap++;
	return 0;
}

static int bench_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct bench_steps *steps = priv;

	steps->unmap++;
	return 0;
}

static const struct drm_gpuvm_ops bench_ops = {
	.vm_free = bench_vm_free,
	.sm_step_map = bench_step_map,
	.sm_step_remap = bench_step_remap,
	.sm_step_unmap = bench_step_unmap,
};

static inline u64 bench_stop(u64 t0)
{
	u64 ns = ktime_get_ns() - t0;

	return ns > bench_clock_ns ? ns - bench_clock_ns : 0;
}

static void bench_sort(u64 *v, unsigned int nr)
{
	unsigned int i, j;
	u64 x;

	for (i = 1; i < nr; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/*
 * bench_report() - calibrate, sample and print one measurement
 * @per_iter: operations per iteration of @run, e.g. the items of one batch
 */
static void bench_report(struct kunit *test, const char *op, unsigned int n,
			 unsigned int per_iter, bench_run_t run,
			 struct bench_fix *fix)
{
	u64 samples[BENCH_SAMPLES];
	u64 iters = 1, ops, centi, whole;
	unsigned int i;
	u32 frac;
	int err = 0;

	for (;;) {
		u64 ns = run(fix, iters, &err);

		KUNIT_ASSERT_EQ_MSG(test, err, 0, "%s n=%u failed", op, n);
		if (ns >= BENCH_SAMPLE_NS || iters >= BENCH_MAX_ITERS)
			break;
		iters *= 2;
	}

	for (i = 0; i < BENCH_SAMPLES; i++) {
		samples[i] = run(fix, iters, &err);
		KUNIT_ASSERT_EQ_MSG(test, err, 0, "%s n=%u failed", op, n);
	}
	bench_sort(samples, BENCH_SAMPLES);

	ops = iters * per_iter;
	centi = div64_u64(samples[BENCH_SAMPLES / 2] * 100, ops);
	whole = div_u64_rem(centi, 100, &frac);
	kunit_info(test, "bench: %s n=%u ns_per_op=%llu.%02u iters=%llu\n",
		   op, n, whole, frac, ops);
}

/*
 * bench_va_new() - allocate a VA of @obj at @addr, neither inserted nor linked
 * @gpuvm_alloc: with drm_gpuva_alloc(), as for drm_gpuva_unlink_defer_free(),
 *               rather than with kzalloc() as drivers of the base kernel do
 *
 * Without &drm_gpuvm_ops.va_alloc and &drm_gpuvm_ops.va_free, which the bench
 * VMs do not implement, both are kzalloc() and kfree() underneath; a VA from
 * either may be freed with kfree().
 */
static struct drm_gpuva *bench_va_new(struct drm_gpuvm *vm,
				      struct drm_gem_object *obj, u64 addr,
				      bool gpuvm_alloc)
{
	struct drm_gpuva *va;

#ifdef BENCH_DEFER_FREE
	if (gpuvm_alloc)
		va = drm_gpuva_alloc(vm);
	else
		va = kzalloc_obj(*va);
#else
	va = kzalloc_obj(*va);
#endif
	if (!va)
		return NULL;

	va->vm = vm;
	va->va.addr = addr;
	va->va.range = BENCH_VA_SIZE;
	va->gem.obj = obj;
	va->gem.offset = addr;

	return va;
}

/* Unlink a VA of an IMMEDIATE_MODE VM and free it, with its own vm_bo. */
static void bench_item_free_now(struct drm_gpuva *va)
{
	struct drm_gem_object *obj = va->gem.obj;
	struct drm_gpuvm_bo *vm_bo = va->vm_bo;

	mutex_lock(&obj->gpuva.lock);
	drm_gpuva_unlink(va);
	drm_gpuvm_bo_put(vm_bo);
	mutex_unlock(&obj->gpuva.lock);
	kfree(va);
}

static void bench_fix_fini(void *arg)
{
	struct bench_fix *fix = arg;
	struct drm_gem_object *obj;
	unsigned int i;

	for (i = 0; i < fix->nr_batch; i++) {
		struct drm_gpuva *va = fix->batch[i];

		/* Also the VAs of drm_gpuva_alloc(), see bench_va_new(). */
		if (fix->own_bo) {
			bench_item_free_now(va);
			continue;
		}
		obj = va->gem.obj;
		mutex_lock(&obj->gpuva.lock);
		drm_gpuva_unlink(va);
		mutex_unlock(&obj->gpuva.lock);
		kfree(va);
	}
	fix->nr_batch = 0;
	kvfree(fix->batch);

	if (fix->vm && drm_gpuvm_immediate_mode(fix->vm))
		drm_gpuvm_bo_deferred_cleanup(fix->vm);

	for (i = 0; i < fix->nr_tree; i++) {
		drm_gpuva_remove(fix->tree[i]);
		kfree(fix->tree[i]);
	}
	kvfree(fix->tree);

	kfree(fix->va);

	if (fix->vm_bo) {
		obj = fix->vm_bo->obj;
		if (drm_gpuvm_immediate_mode(fix->vm)) {
			mutex_lock(&obj->gpuva.lock);
			drm_gpuvm_bo_put(fix->vm_bo);
			mutex_unlock(&obj->gpuva.lock);
		} else {
			dma_resv_lock(obj->resv, NULL);
			drm_gpuvm_bo_put(fix->vm_bo);
			dma_resv_unlock(obj->resv);
		}
	}

	for (i = 0; i < fix->nr_objs; i++)
		drm_gem_object_put(fix->objs[i]);
	kvfree(fix->objs);

	drm_gpuvm_put(fix->vm);
}

/*
 * bench_fix_init() - a fixture with a VM of @flags and @nr_objs GEM objects
 *
 * Released by bench_fix_fini(), at the end of the test or earlier with
 * kunit_release_action().
 */
static struct bench_fix *bench_fix_init(struct kunit *test,
					enum drm_gpuvm_flags flags,
					unsigned int nr_objs)
{
	struct bench_priv *priv = test->priv;
	struct drm_gem_object *r_obj;
	struct bench_fix *fix;
	struct drm_gpuvm *vm;
	int ret;

	fix = kunit_kzalloc(test, sizeof(*fix), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fix);
	ret = kunit_add_action_or_reset(test, bench_fix_fini, fix);
	KUNIT_ASSERT_EQ(test, ret, 0);

	r_obj = drm_gpuvm_resv_object_alloc(priv->drm);
	KUNIT_ASSERT_NOT_NULL(test, r_obj);
	vm = kzalloc_obj(*vm);
	if (vm)
		drm_gpuvm_init(vm, "bench", flags, priv->drm, r_obj,
			       0, BENCH_VM_RANGE, 0, 0, &bench_ops);
	/* The VM holds its own reference to r_obj. */
	drm_gem_object_put(r_obj);
	KUNIT_ASSERT_NOT_NULL(test, vm);
	fix->vm = vm;

	fix->objs = kvzalloc_objs(*fix->objs, nr_objs);
	KUNIT_ASSERT_NOT_NULL(test, fix->objs);
	while (fix->nr_objs < nr_objs) {
		struct drm_gem_object *obj;

		obj = drm_gpuvm_resv_object_alloc(priv->drm);
		KUNIT_ASSERT_NOT_NULL(test, obj);
		fix->objs[fix->nr_objs++] = obj;
	}

	return fix;
}

static void bench_fix_release(struct kunit *test, struct bench_fix *fix)
{
	kunit_release_action(test, bench_fix_fini, fix);
}

/* Take a reference to the vm_bo of objs[0] in a normal VM. */
static void bench_fix_hold_bo(struct kunit *test, struct bench_fix *fix)
{
	struct drm_gem_object *obj = fix->objs[0];
	struct drm_gpuvm_bo *vm_bo;

	dma_resv_lock(obj->resv, NULL);
	vm_bo = drm_gpuvm_bo_obtain_locked(fix->vm, obj);
	dma_resv_unlock(obj->resv);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vm_bo);
	fix->vm_bo = vm_bo;
}

/* Create a vm_bo of @obj in an IMMEDIATE_MODE VM, as drivers do there. */
static struct drm_gpuvm_bo *bench_bo_create(struct drm_gpuvm *vm,
					    struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo = drm_gpuvm_bo_create(vm, obj);

	if (!vm_bo)
		return NULL;

	return drm_gpuvm_bo_obtain_prealloc(vm_bo);
}

/* Link @va to @vm_bo in an IMMEDIATE_MODE VM. */
static void bench_link_locked(struct drm_gpuva *va, struct drm_gpuvm_bo *vm_bo)
{
	struct drm_gem_object *obj = va->gem.obj;

	mutex_lock(&obj->gpuva.lock);
	drm_gpuva_link(va, vm_bo);
	mutex_unlock(&obj->gpuva.lock);
}

/*
 * drm_gpuvm_sm_map() and drm_gpuvm_sm_unmap()
 */

static u64 bench_sm_map_run(struct bench_fix *fix, u64 iters, int *err)
{
	u64 i, t0, ns;
	int ret = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++)
		ret |= drm_gpuvm_sm_map(fix->vm, &fix->steps, &fix->req);
	ns = bench_stop(t0);

	*err = ret;
	return ns;
}

static u64 bench_sm_unmap_run(struct bench_fix *fix, u64 iters, int *err)
{
	u64 i, t0, ns;
	int ret = 0;

	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++)
		ret |= drm_gpuvm_sm_unmap(fix->vm, &fix->steps,
					  fix->unmap_addr, fix->unmap_range);
	ns = bench_stop(t0);

	*err = ret;
	return ns;
}

static void bench_sm_one(struct kunit *test, unsigned int n)
{
	struct bench_fix *fix = bench_fix_init(test, 0, 1);
	struct drm_gem_object *obj = fix->objs[0];
	u64 addr;
	int ret;

	fix->tree = kvzalloc_objs(*fix->tree, n);
	KUNIT_ASSERT_NOT_NULL(test, fix->tree);
	while (fix->nr_tree < n) {
		struct drm_gpuva *va;

		va = bench_va_new(fix->vm, obj, fix->nr_tree * BENCH_VA_SIZE,
				  false);
		KUNIT_ASSERT_NOT_NULL(test, va);
		ret = drm_gpuva_insert(fix->vm, va);
		if (ret)
			kfree(va);
		KUNIT_ASSERT_EQ(test, ret, 0);
		fix->tree[fix->nr_tree++] = va;
	}

	/* The middle quarters of the middle mapping, at another offset. */
	addr = (n / 2) * BENCH_VA_SIZE + BENCH_VA_SIZE / 4;
	fix->req.map.va.addr = addr;
	fix->req.map.va.range = BENCH_VA_SIZE / 2;
	fix->req.map.gem.obj = obj;
	fix->req.map.gem.offset = 0;
	fix->unmap_addr = addr;
	fix->unmap_range = BENCH_VA_SIZE / 2;

	/* One split of one mapping: a remap, then the map. */
	ret = drm_gpuvm_sm_map(fix->vm, &fix->steps, &fix->req);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, fix->steps.remap, 1UL);
	KUNIT_ASSERT_EQ(test, fix->steps.map, 1UL);
	KUNIT_ASSERT_EQ(test, fix->steps.unmap, 0UL);
	bench_report(test, "sm_map", n, 1, bench_sm_map_run, fix);

	memset(&fix->steps, 0, sizeof(fix->steps));
	ret = drm_gpuvm_sm_unmap(fix->vm, &fix->steps, fix->unmap_addr,
				 fix->unmap_range);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, fix->steps.remap, 1UL);
	KUNIT_ASSERT_EQ(test, fix->steps.map, 0UL);
	KUNIT_ASSERT_EQ(test, fix->steps.unmap, 0UL);
	bench_report(test, "sm_unmap", n, 1, bench_sm_unmap_run, fix);

	bench_fix_release(test, fix);
}

static void bench_sm(struct kunit *test)
{
	static const unsigned int sizes[] = { 100, 1000, 10000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		bench_sm_one(test, sizes[i]);
}

/*
 * drm_gpuvm_bo_obtain_locked() and drm_gpuvm_bo_put()
 */

static u64 bench_bo_obtain_run(struct bench_fix *fix, u64 iters, int *err)
{
	struct drm_gem_object *obj = fix->objs[0];
	struct drm_gpuvm_bo *vm_bo;
	u64 i, t0, ns;

	dma_resv_lock(obj->resv, NULL);
	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		vm_bo = drm_gpuvm_bo_obtain_locked(fix->vm, obj);
		if (IS_ERR(vm_bo)) {
			*err = PTR_ERR(vm_bo);
			break;
		}
		drm_gpuvm_bo_put(vm_bo);
	}
	ns = bench_stop(t0);
	dma_resv_unlock(obj->resv);

	return ns;
}

static void bench_bo_obtain(struct kunit *test)
{
	struct bench_fix *fix;

	/* No vm_bo of the GEM yet: each obtain creates, each put destroys. */
	fix = bench_fix_init(test, 0, 1);
	bench_report(test, "bo_obtain_create", 1, 1, bench_bo_obtain_run, fix);
	bench_fix_release(test, fix);

#ifdef BENCH_WEAK_REF
	/* The same without the vm_bo's GEM reference. */
	fix = bench_fix_init(test, DRM_GPUVM_VA_WEAK_REF, 1);
	bench_report(test, "bo_obtain_create_weak", 1, 1, bench_bo_obtain_run,
		     fix);
	bench_fix_release(test, fix);
#endif

	/* A vm_bo is held: each obtain finds it, each put drops a reference. */
	fix = bench_fix_init(test, 0, 1);
	bench_fix_hold_bo(test, fix);
	bench_report(test, "bo_obtain_find", 1, 1, bench_bo_obtain_run, fix);
	bench_fix_release(test, fix);
}

/*
 * drm_gpuva_link() and drm_gpuva_unlink()
 */

static u64 bench_va_link_run(struct bench_fix *fix, u64 iters, int *err)
{
	struct drm_gem_object *obj = fix->objs[0];
	u64 i, t0, ns;

	dma_resv_lock(obj->resv, NULL);
	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		drm_gpuva_link(fix->va, fix->vm_bo);
		drm_gpuva_unlink(fix->va);
	}
	ns = bench_stop(t0);
	dma_resv_unlock(obj->resv);

	return ns;
}

static void bench_va_link(struct kunit *test)
{
	struct bench_fix *fix = bench_fix_init(test, 0, 1);

	bench_fix_hold_bo(test, fix);
	fix->va = bench_va_new(fix->vm, fix->objs[0], 0, false);
	KUNIT_ASSERT_NOT_NULL(test, fix->va);
	bench_report(test, "va_link_unlink", 1, 1, bench_va_link_run, fix);
	bench_fix_release(test, fix);
}

/*
 * The signalling path: unlinking a VA whose vm_bo keeps other references
 */

/* Set up @count VAs of objs[0], linked to fix->vm_bo, in fix->batch. */
static int bench_batch_link(struct bench_fix *fix, unsigned int count,
			    bool gpuvm_alloc)
{
	struct drm_gem_object *obj = fix->objs[0];
	struct drm_gpuva *va;

	while (fix->nr_batch < count) {
		va = bench_va_new(fix->vm, obj, fix->nr_batch * BENCH_VA_SIZE,
				  gpuvm_alloc);
		if (!va)
			return -ENOMEM;

		bench_link_locked(va, fix->vm_bo);
		fix->batch[fix->nr_batch++] = va;
	}

	return 0;
}

static u64 bench_unlink_defer_kfree_run(struct bench_fix *fix, u64 iters,
					int *err)
{
	u64 done, total = 0, t0;
	unsigned int i, count;

	for (done = 0; done < iters; done += count) {
		count = min_t(u64, iters - done, BENCH_CHUNK);
		*err = bench_batch_link(fix, count, false);
		if (*err)
			break;

		t0 = ktime_get_ns();
		for (i = 0; i < count; i++) {
			drm_gpuva_unlink_defer(fix->batch[i]);
			kfree(fix->batch[i]);
		}
		total += bench_stop(t0);
		fix->nr_batch = 0;
	}

	return total;
}

#ifdef BENCH_DEFER_FREE
static u64 bench_unlink_defer_free_run(struct bench_fix *fix, u64 iters,
				       int *err)
{
	u64 done, total = 0, t0;
	unsigned int i, count;

	for (done = 0; done < iters; done += count) {
		count = min_t(u64, iters - done, BENCH_CHUNK);
		*err = bench_batch_link(fix, count, true);
		if (*err)
			break;

		t0 = ktime_get_ns();
		for (i = 0; i < count; i++)
			drm_gpuva_unlink_defer_free(fix->batch[i]);
		total += bench_stop(t0);
		fix->nr_batch = 0;

		/* Out of the signalling path: free the queued VAs. */
		drm_gpuvm_bo_deferred_cleanup(fix->vm);
	}

	return total;
}
#endif

static void bench_signal_path(struct kunit *test)
{
	struct drm_gpuvm_bo *vm_bo;
	struct bench_fix *fix;

	fix = bench_fix_init(test, DRM_GPUVM_IMMEDIATE_MODE, 1);
	/* The driver holds the vm_bo: no VA drops its last reference. */
	vm_bo = bench_bo_create(fix->vm, fix->objs[0]);
	KUNIT_ASSERT_NOT_NULL(test, vm_bo);
	fix->vm_bo = vm_bo;
	fix->batch = kvzalloc_objs(*fix->batch, BENCH_CHUNK);
	KUNIT_ASSERT_NOT_NULL(test, fix->batch);

	bench_report(test, "unlink_defer_kfree", 1, 1,
		     bench_unlink_defer_kfree_run, fix);
#if defined(BENCH_DEFER_FREE)
	bench_report(test, "signal_path", 1, 1, bench_unlink_defer_free_run,
		     fix);
#elif !defined(GPUVM_BENCH_PATCHED)
	bench_report(test, "signal_path", 1, 1, bench_unlink_defer_kfree_run,
		     fix);
#endif
	bench_fix_release(test, fix);
}

/*
 * Freeing N mappings, each the last one of its vm_bo: at once, or queued
 * and freed by drm_gpuvm_bo_deferred_cleanup()
 */

/* Set up one VA per GEM object, each linked to a vm_bo of its own. */
static int bench_items_link(struct bench_fix *fix, bool gpuvm_alloc)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;

	while (fix->nr_batch < fix->nr_objs) {
		struct drm_gem_object *obj = fix->objs[fix->nr_batch];

		va = bench_va_new(fix->vm, obj, fix->nr_batch * BENCH_VA_SIZE,
				  gpuvm_alloc);
		if (!va)
			return -ENOMEM;

		vm_bo = bench_bo_create(fix->vm, obj);
		if (!vm_bo) {
			kfree(va);
			return -ENOMEM;
		}

		/* The vm_bo's creation reference stays, as the driver's. */
		bench_link_locked(va, vm_bo);
		fix->batch[fix->nr_batch++] = va;
	}

	return 0;
}

static u64 bench_immediate_free_run(struct bench_fix *fix, u64 iters,
				    int *err)
{
	u64 r, total = 0, t0;
	unsigned int i, count;

	for (r = 0; r < iters; r++) {
		*err = bench_items_link(fix, false);
		if (*err)
			break;

		count = fix->nr_batch;
		t0 = ktime_get_ns();
		for (i = 0; i < count; i++)
			bench_item_free_now(fix->batch[i]);
		total += bench_stop(t0);
		fix->nr_batch = 0;
	}

	return total;
}

#ifdef BENCH_DEFER_FREE
static u64 bench_deferred_cleanup_run(struct bench_fix *fix, u64 iters,
				      int *err)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;
	u64 r, total = 0, t0;
	unsigned int i;

	for (r = 0; r < iters; r++) {
		*err = bench_items_link(fix, true);
		if (*err)
			break;

		/* The signalling path: queue the VA, drop the driver's ref. */
		for (i = 0; i < fix->nr_batch; i++) {
			va = fix->batch[i];
			vm_bo = va->vm_bo;
			drm_gpuva_unlink_defer_free(va);
			drm_gpuvm_bo_put_deferred(vm_bo);
		}
		fix->nr_batch = 0;

		t0 = ktime_get_ns();
		drm_gpuvm_bo_deferred_cleanup(fix->vm);
		total += bench_stop(t0);
	}

	return total;
}
#endif

static void bench_cleanup(struct kunit *test)
{
	static const unsigned int sizes[] = { 10, 100, 1000, 10000 };
	struct bench_fix *fix;
	unsigned int i, n;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		n = sizes[i];
		fix = bench_fix_init(test, DRM_GPUVM_IMMEDIATE_MODE, n);
		fix->own_bo = true;
		fix->batch = kvzalloc_objs(*fix->batch, n);
		KUNIT_ASSERT_NOT_NULL(test, fix->batch);

		bench_report(test, "immediate_free", n, n,
			     bench_immediate_free_run, fix);
#ifdef BENCH_DEFER_FREE
		bench_report(test, "deferred_cleanup", n, n,
			     bench_deferred_cleanup_run, fix);
#endif
		bench_fix_release(test, fix);
	}
}

static void bench_clock(struct kunit *test)
{
	kunit_info(test, "bench: clock n=1 ns_per_op=%llu.00 iters=1\n",
		   bench_clock_ns);
}

static int bench_suite_init(struct kunit_suite *suite)
{
	u64 t0, ns, best = U64_MAX;
	unsigned int r, i;

	/* 1001 calls between the first and the last reading, best of 5. */
	for (r = 0; r < 5; r++) {
		t0 = ktime_get_ns();
		for (i = 0; i < 1000; i++)
			ktime_get_ns();
		ns = div_u64(ktime_get_ns() - t0, 1001);
		best = min(best, ns);
	}
	bench_clock_ns = best;

	return 0;
}

static int bench_init(struct kunit *test)
{
	struct bench_priv *priv;
	struct device *dev;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, priv);
	test->priv = priv;

	dev = drm_kunit_helper_alloc_device(test);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);

	priv->drm = __drm_kunit_helper_alloc_drm_device(test, dev,
							sizeof(*priv->drm), 0,
							DRIVER_GEM);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv->drm);

	return 0;
}

static struct kunit_case bench_cases[] = {
	KUNIT_CASE(bench_clock),
	KUNIT_CASE(bench_sm),
	KUNIT_CASE(bench_bo_obtain),
	KUNIT_CASE(bench_va_link),
	KUNIT_CASE(bench_signal_path),
	KUNIT_CASE(bench_cleanup),
	{}
};

static struct kunit_suite bench_suite = {
	.name = "drm_gpuvm_bench",
	.suite_init = bench_suite_init,
	.init = bench_init,
	.test_cases = bench_cases,
};

kunit_test_suite(bench_suite);

MODULE_DESCRIPTION("Micro-benchmarks of drm_gpuvm (make bench, never mailed)");
MODULE_LICENSE("GPL");
