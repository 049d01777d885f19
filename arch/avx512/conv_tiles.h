/* The register tiles of the AVX-512 convolution, stated once: the kernel's instantiations, the
 * plan's choice and tools/mca.py all read this list. */
#ifndef IB_AVX512_CONV_TILES_H
#define IB_AVX512_CONV_TILES_H

/* Main tiles X(G, P): G output-channel blocks of 16 x P output pixels, G*P zmm accumulators.
 * A blocked source's step holds G*P accumulators, G weight vectors and one broadcast
 * (conv_fma_pixel in conv.c); the stem's intrinsics keep one broadcast per pixel, G*P + G + P,
 * which must stay near 32 zmm or the tile spills (checked in the -S output): 4x6 for most
 * shapes, 3x8 for rows of 8 and whole 8x8 images in one pass, 2x12 for 32 output channels (the
 * stem), 5x5 for 5 or 10 blocks (80 and 160 channels), which groups of at most 4 split into
 * 3 + 2 or 3 + 3 + 3 + 1, so a pass ran 1 or 2 blocks; 3x9 for 17-pixel columns in two
 * tiles (the plan offers it only there: tile_offered in conv_plan.c). 5x4 (20 accumulators)
 * measured slower than both on those layers and is not a tile. make mca models each one's inner
 * loop. */
#define IB512_CONV_MAIN_TILES(X) X(4, 6) X(3, 8) X(2, 12) X(5, 5) X(3, 9)

/* Largest G and P of any main tile: the bounds of the tail instantiations (every g <= G, p <= P
 * of a main tile, so row and oc tails run the same code with fewer pixels or blocks). */
enum { IB512_CONV_GMAX = 5, IB512_CONV_PMAX = 12 };

#define IB512_CONV_TILE_ENUM(G, P) IB512_CONV_TILE_##G##x##P,
typedef enum ib512_conv_tile {
    IB512_CONV_MAIN_TILES(IB512_CONV_TILE_ENUM) IB512_CONV_NTILES
} ib512_conv_tile;
#undef IB512_CONV_TILE_ENUM

#endif
