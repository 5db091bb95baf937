;; The lab's wasm kernels, written with 128-bit SIMD, for what tfjs's wasm backend does slowly:
;; batched and transposed matrix products (tfjs runs them in a scalar loop, about 1.6 GFLOP/s here)
;; and transposes (tfjs's took 3 ms for a 2048×256 matrix); LayerNorm's forward and backward passes,
;; one kernel each instead of eight and about twelve; sums over a matrix's rows; and the optimizer
;; step, Adam over every weight and the gradient's squared norm, one pass over memory each.
;;
;; The memory is tfjs's own wasm heap (imported), so operands are read and results written in place:
;; pointers are byte offsets into it, strides and sizes count floats. `npm run build:wasm` assembles
;; this file into simd-bytes.ts (with a variant importing a shared memory, for tfjs's multithreaded
;; build). The TypeScript side is matmul.ts, transpose.ts, layer-norm.ts, sum.ts and adam.ts.
;;
;; Each entry of a product is a plain float32 sum of products (no fused multiply-add), in a fixed
;; order that tests/engine/wasm-kernels.test.ts reproduces exactly in JavaScript.
(module
  (import "env" "memory" (memory 1))

  ;; C[t] = A[t] · B[t] for t < batch, where A[t] is m×k read through strides (so A may be stored
  ;; transposed), B[t] is k×n with contiguous rows, and C[t] is m×n, dense:
  ;;   A(t,i,p) = a[t·aB + i·aI + p·aP],  B(t,p,j) = b[t·bB + p·n + j],  C(t,i,j) = c[(t·m + i)·n + j].
  ;; Every C(t,i,j) = (((0 + A(t,i,0)·B(t,0,j)) + A(t,i,1)·B(t,1,j)) + …): one lane per column j,
  ;; sixteen columns (four vectors) at a time, then four, then one.
  (func (export "matmul")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aB i32) (param $aI i32) (param $aP i32) (param $bB i32)
    (local $t i32) (local $i i32) (local $j i32) (local $p i32)
    (local $aRow i32) (local $bBase i32) (local $cRow i32) (local $ap i32) (local $bp i32)
    (local $aStep i32) (local $bStep i32)
    (local $av v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $s f32)
    (local.set $aStep (i32.shl (local.get $aP) (i32.const 2)))
    (local.set $bStep (i32.shl (local.get $n) (i32.const 2)))
    (local.set $cRow (local.get $c))
    (local.set $t (i32.const 0))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $t) (local.get $batch)))
      (local.set $bBase (i32.add (local.get $b) (i32.shl (i32.mul (local.get $t) (local.get $bB)) (i32.const 2))))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $aRow (i32.add (local.get $a)
          (i32.shl (i32.add (i32.mul (local.get $t) (local.get $aB)) (i32.mul (local.get $i) (local.get $aI))) (i32.const 2))))
        (local.set $j (i32.const 0))

        ;; Sixteen columns at a time.
        (block $wideDone (loop $wideLoop
          (br_if $wideDone (i32.gt_u (i32.add (local.get $j) (i32.const 16)) (local.get $n)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0))
          (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $ap (local.get $aRow))
          (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (i32.const 0))
          (block $kDone (loop $kLoop
            (br_if $kDone (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $av (f32x4.splat (f32.load (local.get $ap))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $av) (v128.load offset=0 align=4 (local.get $bp)))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $av) (v128.load offset=16 align=4 (local.get $bp)))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $av) (v128.load offset=32 align=4 (local.get $bp)))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $av) (v128.load offset=48 align=4 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $kLoop)))
          (local.set $bp (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))))
          (v128.store offset=0 align=4 (local.get $bp) (local.get $acc0))
          (v128.store offset=16 align=4 (local.get $bp) (local.get $acc1))
          (v128.store offset=32 align=4 (local.get $bp) (local.get $acc2))
          (v128.store offset=48 align=4 (local.get $bp) (local.get $acc3))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br $wideLoop)))

        ;; Four columns at a time.
        (block $narrowDone (loop $narrowLoop
          (br_if $narrowDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
          (local.set $acc0 (v128.const i32x4 0 0 0 0))
          (local.set $ap (local.get $aRow))
          (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (i32.const 0))
          (block $kDone4 (loop $kLoop4
            (br_if $kDone4 (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $acc0 (f32x4.add (local.get $acc0)
              (f32x4.mul (f32x4.splat (f32.load (local.get $ap))) (v128.load align=4 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $kLoop4)))
          (v128.store align=4 (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $acc0))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $narrowLoop)))

        ;; The last columns one by one.
        (block $scalarDone (loop $scalarLoop
          (br_if $scalarDone (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $s (f32.const 0))
          (local.set $ap (local.get $aRow))
          (local.set $bp (i32.add (local.get $bBase) (i32.shl (local.get $j) (i32.const 2))))
          (local.set $p (i32.const 0))
          (block $kDone1 (loop $kLoop1
            (br_if $kDone1 (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (local.get $aStep)))
            (local.set $bp (i32.add (local.get $bp) (local.get $bStep)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $kLoop1)))
          (f32.store (i32.add (local.get $cRow) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $scalarLoop)))

        (local.set $cRow (i32.add (local.get $cRow) (local.get $bStep)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $batchLoop))))

  ;; C[t] = A[t] · B[t]ᵀ for t < batch, where A[t] is m×k and B[t] is n×k, both with contiguous rows:
  ;;   A(t,i,p) = a[t·aB + i·k + p],  B(t,j,p) = b[t·bB + j·k + p],  C(t,i,j) = c[(t·m + i)·n + j].
  ;; Each C(t,i,j) is a dot product of two rows, four products at a time: lane l sums the products
  ;; p ≡ l (mod 4) in order, the lanes are added as (l0 + l1) + (l2 + l3), then the last k mod 4
  ;; products are added one by one. When k is a multiple of 4, four columns are computed together
  ;; (one load of A's row serves four rows of B) and their lanes transposed so one vector add sums them.
  (func (export "matmulTransposedB")
    (param $a i32) (param $b i32) (param $c i32) (param $batch i32)
    (param $m i32) (param $k i32) (param $n i32)
    (param $aB i32) (param $bB i32)
    (local $t i32) (local $i i32) (local $j i32) (local $p i32)
    (local $aRow i32) (local $bRow i32) (local $cp i32) (local $ap i32) (local $bp i32)
    (local $rowBytes i32) (local $k4 i32) (local $wide i32)
    (local $av v128) (local $acc v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $s f32)
    (local.set $rowBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $wide (i32.eq (local.get $k) (local.get $k4)))
    (local.set $cp (local.get $c))
    (local.set $t (i32.const 0))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $t) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $aRow (i32.add (local.get $a)
          (i32.shl (i32.add (i32.mul (local.get $t) (local.get $aB)) (i32.mul (local.get $i) (local.get $k))) (i32.const 2))))
        (local.set $bRow (i32.add (local.get $b) (i32.shl (i32.mul (local.get $t) (local.get $bB)) (i32.const 2))))
        (local.set $j (i32.const 0))

        ;; Four columns at a time (k a multiple of 4).
        (block $wideDone (loop $wideLoop
          (br_if $wideDone (i32.eqz (local.get $wide)))
          (br_if $wideDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
          (local.set $acc (v128.const i32x4 0 0 0 0))
          (local.set $acc1 (v128.const i32x4 0 0 0 0))
          (local.set $acc2 (v128.const i32x4 0 0 0 0))
          (local.set $acc3 (v128.const i32x4 0 0 0 0))
          (local.set $ap (local.get $aRow))
          (local.set $bp (local.get $bRow))
          (local.set $p (i32.const 0))
          (block $vecDone4 (loop $vecLoop4
            (br_if $vecDone4 (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $av (v128.load align=4 (local.get $ap)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $av) (v128.load align=4 (local.get $bp)))))
            (local.set $acc1 (f32x4.add (local.get $acc1)
              (f32x4.mul (local.get $av) (v128.load align=4 (i32.add (local.get $bp) (local.get $rowBytes))))))
            (local.set $acc2 (f32x4.add (local.get $acc2)
              (f32x4.mul (local.get $av) (v128.load align=4 (i32.add (local.get $bp) (i32.shl (local.get $rowBytes) (i32.const 1)))))))
            (local.set $acc3 (f32x4.add (local.get $acc3)
              (f32x4.mul (local.get $av) (v128.load align=4 (i32.add (local.get $bp) (i32.mul (local.get $rowBytes) (i32.const 3)))))))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $bp (i32.add (local.get $bp) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $vecLoop4)))
          ;; Transpose the four accumulators (lanes l of columns j..j+3 side by side), then
          ;; (lanes 0 + lanes 1) + (lanes 2 + lanes 3): the same sums, in the same order, as one column.
          (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc) (local.get $acc1)))
          (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc2) (local.get $acc3)))
          (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc) (local.get $acc1)))
          (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc2) (local.get $acc3)))
          (v128.store align=4 (local.get $cp)
            (f32x4.add
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))))
          (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
          (local.set $bRow (i32.add (local.get $bRow) (i32.shl (local.get $rowBytes) (i32.const 2))))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br $wideLoop)))

        ;; The other columns one at a time.
        (block $colsDone (loop $colLoop
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $n)))
          (local.set $acc (v128.const i32x4 0 0 0 0))
          (local.set $ap (local.get $aRow))
          (local.set $bp (local.get $bRow))
          (local.set $p (i32.const 0))
          (block $vecDone (loop $vecLoop
            (br_if $vecDone (i32.ge_u (local.get $p) (local.get $k4)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load align=4 (local.get $ap)) (v128.load align=4 (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
            (local.set $bp (i32.add (local.get $bp) (i32.const 16)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $vecLoop)))
          (local.set $s (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
          (block $tailDone (loop $tailLoop
            (br_if $tailDone (i32.ge_u (local.get $p) (local.get $k)))
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (local.set $bp (i32.add (local.get $bp) (i32.const 4)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $tailLoop)))
          (f32.store (local.get $cp) (local.get $s))
          (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
          (local.set $bRow (i32.add (local.get $bRow) (local.get $rowBytes)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $colLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowLoop)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $batchLoop))))

  ;; dst[o][c][r][e] = src[o][r][c][e]: a batch of `outer` transposes of rows×cols blocks whose
  ;; entries are runs of `inner` floats (inner = 1: a plain matrix transpose). Only copies.
  ;; With inner = 1, 4×4 tiles are read as four vectors, transposed in registers and written as four.
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $outer i32) (param $rows i32) (param $cols i32) (param $inner i32)
    (local $o i32) (local $r i32) (local $c i32) (local $e i32)
    (local $s i32) (local $d i32) (local $block i32) (local $rows4 i32) (local $cols4 i32)
    (local $rowBytes i32) (local $colBytes i32) (local $runBytes i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $block (i32.shl (i32.mul (i32.mul (local.get $rows) (local.get $cols)) (local.get $inner)) (i32.const 2)))
    (local.set $runBytes (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $o (i32.const 0))
    (block $outerDone (loop $outerLoop
      (br_if $outerDone (i32.ge_u (local.get $o) (local.get $outer)))
      (if (i32.eq (local.get $inner) (i32.const 1))
        (then
          ;; src rows are `cols` floats apart, dst rows `rows` floats apart.
          (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
          (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
          (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
          (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
          (local.set $r (i32.const 0))
          (block $tileRowsDone (loop $tileRowLoop
            (br_if $tileRowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
            (local.set $c (i32.const 0))
            (block $tileColsDone (loop $tileColLoop
              (br_if $tileColsDone (i32.ge_u (local.get $c) (local.get $cols4)))
              (local.set $s (i32.add (local.get $src)
                (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))
              (local.set $a0 (v128.load align=4 (local.get $s)))
              (local.set $a1 (v128.load align=4 (i32.add (local.get $s) (local.get $rowBytes))))
              (local.set $a2 (v128.load align=4 (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
              (local.set $a3 (v128.load align=4 (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
              (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
              (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
              (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
              (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
              (local.set $d (i32.add (local.get $dst)
                (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2))))
              (v128.store align=4 (local.get $d)
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
              (v128.store align=4 (i32.add (local.get $d) (local.get $colBytes))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
              (v128.store align=4 (i32.add (local.get $d) (i32.shl (local.get $colBytes) (i32.const 1)))
                (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
              (v128.store align=4 (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3)))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3)))
              (local.set $c (i32.add (local.get $c) (i32.const 4)))
              (br $tileColLoop)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $tileRowLoop)))
          ;; What the tiles left: the last cols mod 4 columns of the tiled rows, then the last rows mod 4 rows.
          (local.set $r (i32.const 0))
          (block $edgeRowsDone (loop $edgeRowLoop
            (br_if $edgeRowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $c (select (local.get $cols4) (i32.const 0) (i32.lt_u (local.get $r) (local.get $rows4))))
            (block $edgeColsDone (loop $edgeColLoop
              (br_if $edgeColsDone (i32.ge_u (local.get $c) (local.get $cols)))
              (i32.store
                (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
                (i32.load
                  (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $edgeColLoop)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $edgeRowLoop))))
        (else
          ;; Runs of `inner` floats: src run (r, c) goes to dst run (c, r), four floats at a time.
          (local.set $r (i32.const 0))
          (block $runRowsDone (loop $runRowLoop
            (br_if $runRowsDone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $c (i32.const 0))
            (block $runColsDone (loop $runColLoop
              (br_if $runColsDone (i32.ge_u (local.get $c) (local.get $cols)))
              (local.set $s (i32.add (local.get $src)
                (i32.mul (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (local.get $runBytes))))
              (local.set $d (i32.add (local.get $dst)
                (i32.mul (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (local.get $runBytes))))
              (local.set $e (i32.const 0))
              (block $vecDone (loop $vecLoop
                (br_if $vecDone (i32.gt_u (i32.add (local.get $e) (i32.const 4)) (local.get $inner)))
                (v128.store align=4 (i32.add (local.get $d) (i32.shl (local.get $e) (i32.const 2)))
                  (v128.load align=4 (i32.add (local.get $s) (i32.shl (local.get $e) (i32.const 2)))))
                (local.set $e (i32.add (local.get $e) (i32.const 4)))
                (br $vecLoop)))
              (block $tailDone (loop $tailLoop
                (br_if $tailDone (i32.ge_u (local.get $e) (local.get $inner)))
                (i32.store (i32.add (local.get $d) (i32.shl (local.get $e) (i32.const 2)))
                  (i32.load (i32.add (local.get $s) (i32.shl (local.get $e) (i32.const 2)))))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (br $tailLoop)))
              (local.set $c (i32.add (local.get $c) (i32.const 1)))
              (br $runColLoop)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $runRowLoop)))))
      (local.set $src (i32.add (local.get $src) (local.get $block)))
      (local.set $dst (i32.add (local.get $dst) (local.get $block)))
      (local.set $o (i32.add (local.get $o) (i32.const 1)))
      (br $outerLoop))))

  ;; LayerNorm over rows of x [rows × d]: per row, mean = Σx / d, xc = x − mean, var = Σxc² / d,
  ;; inv = 1 / sqrt(var + 1e-5), xhat = xc · inv, y = xhat · g + b. Writes y and xhat [rows × d] and
  ;; inv [rows] (what the backward pass keeps). Each sum is four lane sums over the columns
  ;; j ≡ l (mod 4) in order, added (l0 + l1) + (l2 + l3), then the last d mod 4 columns one by one.
  (func (export "layerNorm")
    (param $x i32) (param $g i32) (param $b i32) (param $y i32) (param $xhat i32) (param $inv i32)
    (param $rows i32) (param $d i32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $rowBytes i32) (local $o i32)
    (local $acc v128) (local $mv v128) (local $iv v128) (local $xc v128)
    (local $s f32) (local $mean f32) (local $rinv f32) (local $c f32) (local $size f32)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $size (f32.convert_i32_u (local.get $d)))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      ;; The mean.
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $sumDone (loop $sumLoop
        (br_if $sumDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $acc (f32x4.add (local.get $acc) (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumLoop)))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $sumTailDone (loop $sumTail
        (br_if $sumTailDone (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $s (f32.add (local.get $s) (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sumTail)))
      (local.set $mean (f32.div (local.get $s) (local.get $size)))
      (local.set $mv (f32x4.splat (local.get $mean)))
      ;; The variance around it.
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $varDone (loop $varLoop
        (br_if $varDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $xc (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mv)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $xc) (local.get $xc))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $varLoop)))
      (local.set $s (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
      (block $varTailDone (loop $varTail
        (br_if $varTailDone (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $c (f32.sub (f32.load (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 2)))) (local.get $mean)))
        (local.set $s (f32.add (local.get $s) (f32.mul (local.get $c) (local.get $c))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $varTail)))
      (local.set $rinv (f32.div (f32.const 1) (f32.sqrt (f32.add (f32.div (local.get $s) (local.get $size)) (f32.const 1e-5)))))
      (f32.store (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2))) (local.get $rinv))
      (local.set $iv (f32x4.splat (local.get $rinv)))
      ;; xhat and y.
      (local.set $j (i32.const 0))
      (block $outDone (loop $outLoop
        (br_if $outDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $xc (f32x4.mul
          (f32x4.sub (v128.load align=4 (i32.add (local.get $x) (local.get $o))) (local.get $mv))
          (local.get $iv)))
        (v128.store align=4 (i32.add (local.get $xhat) (local.get $o)) (local.get $xc))
        (v128.store align=4 (i32.add (local.get $y) (local.get $o))
          (f32x4.add (f32x4.mul (local.get $xc) (v128.load align=4 (i32.add (local.get $g) (local.get $o))))
            (v128.load align=4 (i32.add (local.get $b) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $outLoop)))
      (block $outTailDone (loop $outTail
        (br_if $outTailDone (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $c (f32.mul (f32.sub (f32.load (i32.add (local.get $x) (local.get $o))) (local.get $mean)) (local.get $rinv)))
        (f32.store (i32.add (local.get $xhat) (local.get $o)) (local.get $c))
        (f32.store (i32.add (local.get $y) (local.get $o))
          (f32.add (f32.mul (local.get $c) (f32.load (i32.add (local.get $g) (local.get $o)))) (f32.load (i32.add (local.get $b) (local.get $o)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $outTail)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $xhat (i32.add (local.get $xhat) (local.get $rowBytes)))
      (local.set $y (i32.add (local.get $y) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; LayerNorm's backward pass from its saved x̂ [rows × d] and 1/σ [rows]: per row, with
  ;; dx̂ = dy · g, dx = ((dx̂ − mean(dx̂)) − x̂ · mean(dx̂ · x̂)) · (1/σ); and over the rows, in row order,
  ;; dg = Σ dy · x̂ and db = Σ dy, written to dgdb [2·d] (dg, then db). Each mean is a sum as in
  ;; `layerNorm` (four lanes, (l0 + l1) + (l2 + l3), then the tail) divided by d.
  (func (export "layerNormBackward")
    (param $dy i32) (param $xhat i32) (param $inv i32) (param $g i32) (param $dx i32) (param $dgdb i32)
    (param $rows i32) (param $d i32)
    (local $r i32) (local $j i32) (local $d4 i32) (local $rowBytes i32) (local $o i32) (local $db i32)
    (local $acc1 v128) (local $acc2 v128) (local $t v128) (local $m1v v128) (local $m2v v128) (local $iv v128)
    (local $s1 f32) (local $s2 f32) (local $m1 f32) (local $m2 f32) (local $rinv f32) (local $c f32) (local $size f32)
    (local.set $d4 (i32.and (local.get $d) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $db (i32.add (local.get $dgdb) (local.get $rowBytes)))
    (local.set $size (f32.convert_i32_u (local.get $d)))
    ;; dg and db start at 0.
    (memory.fill (local.get $dgdb) (i32.const 0) (i32.shl (local.get $rowBytes) (i32.const 1)))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      ;; Σ dx̂ and Σ dx̂ · x̂.
      (local.set $acc1 (v128.const i32x4 0 0 0 0))
      (local.set $acc2 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (block $sumDone (loop $sumLoop
        (br_if $sumDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $t (f32x4.mul (v128.load align=4 (i32.add (local.get $dy) (local.get $o))) (v128.load align=4 (i32.add (local.get $g) (local.get $o)))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (local.get $t)))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $t) (v128.load align=4 (i32.add (local.get $xhat) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $sumLoop)))
      (local.set $s1 (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc1)) (f32x4.extract_lane 1 (local.get $acc1)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc1)) (f32x4.extract_lane 3 (local.get $acc1)))))
      (local.set $s2 (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc2)) (f32x4.extract_lane 1 (local.get $acc2)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc2)) (f32x4.extract_lane 3 (local.get $acc2)))))
      (block $sumTailDone (loop $sumTail
        (br_if $sumTailDone (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $c (f32.mul (f32.load (i32.add (local.get $dy) (local.get $o))) (f32.load (i32.add (local.get $g) (local.get $o)))))
        (local.set $s1 (f32.add (local.get $s1) (local.get $c)))
        (local.set $s2 (f32.add (local.get $s2) (f32.mul (local.get $c) (f32.load (i32.add (local.get $xhat) (local.get $o))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $sumTail)))
      (local.set $m1 (f32.div (local.get $s1) (local.get $size)))
      (local.set $m2 (f32.div (local.get $s2) (local.get $size)))
      (local.set $rinv (f32.load (i32.add (local.get $inv) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $m1v (f32x4.splat (local.get $m1)))
      (local.set $m2v (f32x4.splat (local.get $m2)))
      (local.set $iv (f32x4.splat (local.get $rinv)))
      ;; dx, and this row's share of dg and db.
      (local.set $j (i32.const 0))
      (block $outDone (loop $outLoop
        (br_if $outDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $t (v128.load align=4 (i32.add (local.get $xhat) (local.get $o))))
        (local.set $acc1 (v128.load align=4 (i32.add (local.get $dy) (local.get $o))))
        (v128.store align=4 (i32.add (local.get $dx) (local.get $o))
          (f32x4.mul
            (f32x4.sub
              (f32x4.sub (f32x4.mul (local.get $acc1) (v128.load align=4 (i32.add (local.get $g) (local.get $o)))) (local.get $m1v))
              (f32x4.mul (local.get $t) (local.get $m2v)))
            (local.get $iv)))
        (v128.store align=4 (i32.add (local.get $dgdb) (local.get $o))
          (f32x4.add (v128.load align=4 (i32.add (local.get $dgdb) (local.get $o))) (f32x4.mul (local.get $acc1) (local.get $t))))
        (v128.store align=4 (i32.add (local.get $db) (local.get $o))
          (f32x4.add (v128.load align=4 (i32.add (local.get $db) (local.get $o))) (local.get $acc1)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $outLoop)))
      (block $outTailDone (loop $outTail
        (br_if $outTailDone (i32.ge_u (local.get $j) (local.get $d)))
        (local.set $o (i32.shl (local.get $j) (i32.const 2)))
        (local.set $c (f32.load (i32.add (local.get $dy) (local.get $o))))
        (f32.store (i32.add (local.get $dx) (local.get $o))
          (f32.mul
            (f32.sub
              (f32.sub (f32.mul (local.get $c) (f32.load (i32.add (local.get $g) (local.get $o)))) (local.get $m1))
              (f32.mul (f32.load (i32.add (local.get $xhat) (local.get $o))) (local.get $m2)))
            (local.get $rinv)))
        (f32.store (i32.add (local.get $dgdb) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $dgdb) (local.get $o))) (f32.mul (local.get $c) (f32.load (i32.add (local.get $xhat) (local.get $o))))))
        (f32.store (i32.add (local.get $db) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $db) (local.get $o))) (local.get $c)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $outTail)))
      (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
      (local.set $xhat (i32.add (local.get $xhat) (local.get $rowBytes)))
      (local.set $dx (i32.add (local.get $dx) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))

  ;; Σ x² over n floats: four lane sums over the first n − n mod 4, added (l0 + l1) + (l2 + l3),
  ;; then the remaining squares in order.
  (func (export "sumOfSquares") (param $x i32) (param $n i32) (result f32)
    (local $end4 i32) (local $end i32) (local $acc v128) (local $v v128) (local $s f32) (local $c f32)
    (local.set $end4 (i32.add (local.get $x) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $acc (v128.const i32x4 0 0 0 0))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $x) (local.get $end4)))
      (local.set $v (v128.load align=4 (local.get $x)))
      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $loop)))
    (local.set $s (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $x) (local.get $end)))
      (local.set $c (f32.load (local.get $x)))
      (local.set $s (f32.add (local.get $s) (f32.mul (local.get $c) (local.get $c))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $tail)))
    (local.get $s))

  ;; One Adam step over n weights, each operation a float32 rounding in the order of the plain ops
  ;; (adam.ts), so the weights come out bit for bit the same:
  ;;   g = grad · scale,  m' = m·β₁ + g·(1 − β₁),  v' = v·β₂ + g²·(1 − β₂),
  ;;   θ' = (m' / (1 − β₁ᵗ)) / (sqrt(v' / (1 − β₂ᵗ)) + ε) · (−lr) + θ.
  ;; The constants come in as float32, as tfjs makes its scalars.
  (func (export "adam")
    (param $p i32) (param $grad i32) (param $m i32) (param $v i32)
    (param $pOut i32) (param $mOut i32) (param $vOut i32) (param $n i32)
    (param $scale f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $acc1 f32) (param $acc2 f32) (param $eps f32) (param $negLr f32)
    (local $o i32) (local $end4 i32) (local $end i32)
    (local $g v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $o (i32.const 0))
    (block $done (loop $loop
      (br_if $done (i32.ge_u (local.get $o) (local.get $end4)))
      (local.set $g (f32x4.mul (v128.load align=4 (i32.add (local.get $grad) (local.get $o))) (f32x4.splat (local.get $scale))))
      (local.set $mv (f32x4.add
        (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $o))) (f32x4.splat (local.get $b1)))
        (f32x4.mul (local.get $g) (f32x4.splat (local.get $c1)))))
      (local.set $vv (f32x4.add
        (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $o))) (f32x4.splat (local.get $b2)))
        (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (f32x4.splat (local.get $c2)))))
      (v128.store align=4 (i32.add (local.get $mOut) (local.get $o)) (local.get $mv))
      (v128.store align=4 (i32.add (local.get $vOut) (local.get $o)) (local.get $vv))
      (v128.store align=4 (i32.add (local.get $pOut) (local.get $o))
        (f32x4.add
          (f32x4.mul
            (f32x4.div
              (f32x4.div (local.get $mv) (f32x4.splat (local.get $acc1)))
              (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $acc2)))) (f32x4.splat (local.get $eps))))
            (f32x4.splat (local.get $negLr)))
          (v128.load align=4 (i32.add (local.get $p) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $loop)))
    (block $tailDone (loop $tail
      (br_if $tailDone (i32.ge_u (local.get $o) (local.get $end)))
      (local.set $gs (f32.mul (f32.load (i32.add (local.get $grad) (local.get $o))) (local.get $scale)))
      (local.set $ms (f32.add
        (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
        (f32.mul (local.get $gs) (local.get $c1))))
      (local.set $vs (f32.add
        (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
        (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
      (f32.store (i32.add (local.get $mOut) (local.get $o)) (local.get $ms))
      (f32.store (i32.add (local.get $vOut) (local.get $o)) (local.get $vs))
      (f32.store (i32.add (local.get $pOut) (local.get $o))
        (f32.add
          (f32.mul
            (f32.div
              (f32.div (local.get $ms) (local.get $acc1))
              (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $acc2))) (local.get $eps)))
            (local.get $negLr))
          (f32.load (i32.add (local.get $p) (local.get $o)))))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $tail)))
  )

  ;; out[j] = Σ_r x[r, j] over the rows of a rows×cols matrix, the rows added in order: a sum over
  ;; the leading axis, which tfjs's Sum does by transposing the whole matrix first.
  (func (export "columnSums") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $o i32) (local $cols4 i32) (local $end i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $cols4 (i32.shl (i32.and (local.get $cols) (i32.const -4)) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (local.set $r (i32.const 0))
    (block $rowsDone (loop $rowLoop
      (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $o (i32.const 0))
      (block $vecDone (loop $vecLoop
        (br_if $vecDone (i32.ge_u (local.get $o) (local.get $cols4)))
        (v128.store align=4 (i32.add (local.get $out) (local.get $o))
          (f32x4.add (v128.load align=4 (i32.add (local.get $out) (local.get $o))) (v128.load align=4 (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $vecLoop)))
      (block $tailDone (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $o) (local.get $rowBytes)))
        (f32.store (i32.add (local.get $out) (local.get $o))
          (f32.add (f32.load (i32.add (local.get $out) (local.get $o))) (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $tail)))
      (local.set $x (i32.add (local.get $x) (local.get $rowBytes)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $rowLoop))))
)
