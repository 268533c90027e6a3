#pragma once
// OpenGL 3.3 core entry points. Mesa's and GLVND's libGL export every core function, so the
// prototypes are linked directly instead of going through a loader.
#define GL_GLEXT_PROTOTYPES 1
#include <GL/glcorearb.h>
